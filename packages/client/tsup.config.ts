import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The client itself only needs the global `fetch`; `testing` (the fake API server) imports node:http.
  platform: 'node',
  splitting: true,
  treeshake: true,
});
