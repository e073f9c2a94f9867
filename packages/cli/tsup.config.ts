import { defineConfig } from 'tsup';

export default defineConfig({
  // `bin.ts` starts with a hashbang, which esbuild keeps.
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
});
