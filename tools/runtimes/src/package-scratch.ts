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
}

/** Call at the top of a packaging test file: registers the `beforeAll` and `afterAll` above. */
export function packageScratch(packageDir: string | URL): PackageScratch {
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const workDir = join(dir, '.tmp', `package-test-${process.pid}`);
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
  };
}
