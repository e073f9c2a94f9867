/**
 * The packaging tests' scratch folder, inside the package so that its name resolves to its built
 * `dist` as it does for a user: made before the tests (once `dist` is there), removed after
 * (`KEEP_PACKAGE_TEST=1` keeps it to look at).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { requireBuilt } from './built.js';

const run = promisify(execFile);

export interface PackageScratch {
  /** The package folder. */
  packageDir: string;
  /** The scratch folder, `.tmp/package-test-<pid>` in the package. */
  workDir: string;
  /** Writes `name` into the scratch folder and returns its path. */
  write(name: string, text: string): string;
  /** Runs `file` on this Node from the package folder; resolves to the JSON of its last stdout line. */
  node(file: string): Promise<Record<string, unknown>>;
  /**
   * Type-checks `source` as a consumer would (strict, `skipLibCheck`, Node's types), in folder
   * `name` as file `file`, with `compilerOptions` on top (module resolution, `paths` to another
   * major's types). Resolves to tsc's output: `''` when it compiles.
   */
  typecheck(
    name: string,
    file: string,
    source: string,
    compilerOptions: Record<string, unknown>,
  ): Promise<string>;
}

/** Call at the top of a packaging test file: registers the `beforeAll` and `afterAll` above. */
export function packageScratch(packageDir: string | URL): PackageScratch {
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const workDir = join(dir, '.tmp', `package-test-${process.pid}`);
  const root = join(dir, '..', '..');
  beforeAll(() => {
    requireBuilt(dir);
    mkdirSync(workDir, { recursive: true });
  });
  afterAll(() => {
    if (!process.env.KEEP_PACKAGE_TEST) rmSync(workDir, { recursive: true, force: true });
  });
  return {
    packageDir: dir,
    workDir,
    write(name, text) {
      const file = join(workDir, name);
      writeFileSync(file, text);
      return file;
    },
    async node(file) {
      const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 });
      return JSON.parse(stdout.trim().split('\n').pop() as string);
    },
    typecheck(name, file, source, compilerOptions) {
      const folder = join(workDir, name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, file), source);
      writeFileSync(
        join(folder, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            strict: true,
            noEmit: true,
            esModuleInterop: true,
            // Library internals are not ours to check; a lost or `any` declaration fails the
            // consumer's expect-error lines instead.
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(root, 'node_modules', '@types')],
            ...compilerOptions,
          },
          files: [file],
        }),
      );
      return run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(folder, 'tsconfig.json')], {
        cwd: dir,
        timeout: 60_000,
      }).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
    },
  };
}
