import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

// Peer and workspace dependencies stay imports: the user's ioredis and core are the ones used.
export default defineConfig(
  packageBuild(['src/index.ts'], { external: ['ioredis', '@composio-webhooks/core'] }),
);
