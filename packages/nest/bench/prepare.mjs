/**
 * Puts a copy of the built package (package.json + dist, or the dist of `NEST_BENCH_PACKAGE`,
 * e.g. an older checkout's packages/nest) and the bench app beside each Nest major's test
 * package, so the app, the package and Nest all resolve that major, as in a user's app.
 */
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

export function benchDir(major) {
  return join(packageDir, `test-nest${major}`, '.tmp', 'bench');
}

export function prepare(majors) {
  const source = process.env.NEST_BENCH_PACKAGE ?? packageDir;
  for (const major of majors) {
    const dir = benchDir(major);
    rmSync(dir, { recursive: true, force: true });
    const scope = join(dir, 'node_modules', '@composio-webhooks');
    mkdirSync(join(scope, 'nest'), { recursive: true });
    cpSync(join(source, 'package.json'), join(scope, 'nest', 'package.json'));
    cpSync(join(source, 'dist'), join(scope, 'nest', 'dist'), { recursive: true });
    symlinkSync(join(source, '..', 'core'), join(scope, 'core'), 'dir');
    cpSync(join(packageDir, 'bench', 'app.mjs'), join(dir, 'app.mjs'));
  }
}

export function cleanUp(majors) {
  for (const major of majors) rmSync(benchDir(major), { recursive: true, force: true });
}
