import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

// Workspace dependencies stay imports: the user's core is the one used. The store imports no
// driver at all: it uses the pool it is given.
export default defineConfig(
  packageBuild(['src/index.ts'], { external: ['@composio-webhooks/core'] }),
);
