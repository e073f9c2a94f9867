import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

// Peer and workspace dependencies stay imports: the user's pg-boss and core are the ones used.
export default defineConfig(
  packageBuild(['src/index.ts'], { external: ['pg-boss', '@composio-webhooks/core'] }),
);
