/**
 * Runtime processes load a package's built `dist` (Node 20 cannot run its TypeScript, and
 * workerd bundles what users get): fail early, saying how to fix it, when it is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Throws when `dist/index.js`, `index.cjs`, `index.d.ts` or `index.d.cts` of the package at `packageDir` is missing. */
export function requireBuilt(packageDir: string | URL): void {
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };
  for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
    const path = join(dir, 'dist', file);
    if (!existsSync(path)) {
      throw new Error(
        `[@composio-webhooks/test-runtimes] ${path} is missing: run \`pnpm --filter ${name} build\` before these tests.`,
      );
    }
  }
}
