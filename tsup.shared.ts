import type { Options } from 'tsup';

/**
 * The one build of every public package: ESM + CommonJS + declarations for both (`.d.ts` and
 * `.d.cts`), for Node 20. Dependencies and peer dependencies stay imports (tsup's default).
 */
export function packageBuild(entry: string[], extra: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
    ...extra,
  };
}
