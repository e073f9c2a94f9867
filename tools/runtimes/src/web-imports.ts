/**
 * What a Web runtime's bundler loads from a built entry: esbuild resolves its whole import graph
 * for a neutral platform with the conditions Cloudflare's bundler uses, and reports every
 * specifier and every file it pulled in, so a test can assert that no Node built-in (and no
 * Node-only entry such as `@composio-webhooks/core/node`) is reachable.
 */
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';

export interface WebImports {
  /** Node built-ins imported anywhere in the graph (`crypto`, `node:stream`, …). */
  builtins: string[];
  /** Every import specifier met. */
  specifiers: string[];
  /** Absolute paths of the files in the graph (symlinks resolved). */
  files: string[];
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export async function webImports(entry: string): Promise<WebImports> {
  const specifiers: string[] = [];
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: dirname(entry),
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    // Reported, not failed on: the test names what it found.
    external: [...BUILTINS],
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            specifiers.push(args.path);
            return undefined;
          });
        },
      },
    ],
  });
  return {
    builtins: [...new Set(specifiers.filter((path) => BUILTINS.has(path)))],
    specifiers,
    files: Object.keys(result.metafile.inputs).map((file) => resolve(dirname(entry), file)),
  };
}
