/**
 * The tests run the built binary (`dist/bin.js`) and the client's built fake API. `pnpm check`
 * builds everything first; when running vitest alone, rebuild here if a dist is missing or older
 * than its sources, so a test never runs a stale binary.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = fileURLToPath(new URL('../../', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newest(path) : statSync(path).mtimeMs;
    if (time > latest) latest = time;
  }
  return latest;
}

function stale(pkg: string, artefact: string): boolean {
  const built = join(packages, pkg, 'dist', artefact);
  if (!existsSync(built)) return true;
  return newest(join(packages, pkg, 'src')) > statSync(built).mtimeMs;
}

export default function setup(): void {
  const targets: Array<[string, string, string]> = [
    ['core', 'index.js', '@composio-webhooks/core'],
    ['client', 'testing.js', '@composio-webhooks/client'],
    ['bullmq', 'index.js', '@composio-webhooks/bullmq'],
    ['cli', 'bin.js', '@composio-webhooks/cli'],
  ];
  for (const [pkg, artefact, name] of targets) {
    if (!stale(pkg, artefact)) continue;
    execFileSync('pnpm', ['--filter', name, 'build'], { cwd: packages, stdio: 'inherit' });
  }
}
