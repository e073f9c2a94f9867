import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // Peer and workspace dependencies stay imports: the user's ioredis and core are the ones used.
  external: ['ioredis', '@composio-webhooks/core'],
});
