/**
 * The version of a third-party package that a README's install line gets in the test: the highest
 * exact version a workspace package.json pins for it (tools/readme-snippets pins what only READMEs
 * use), within the line's range when it gives one (`pg-boss@10`). Installed from the local store.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstallSpec } from '@composio-webhooks/test-runtimes';

type Pins = Map<string, string[]>;

const EXACT = /^\d+\.\d+\.\d+$/;

/** Every exact version pinned for each package name across the workspace's package.json files. */
export function workspacePins(root: string): Pins {
  const files: string[] = [];
  for (const parent of ['packages', 'examples', 'tools']) {
    for (const name of readdirSync(join(root, parent))) {
      const file = join(root, parent, name, 'package.json');
      if (existsSync(file)) files.push(file);
    }
  }
  const pins: Pins = new Map();
  for (const file of files) {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, version] of Object.entries(deps ?? {})) {
        if (!EXACT.test(version)) continue;
        const list = pins.get(name) ?? [];
        if (!list.includes(version)) list.push(version);
        pins.set(name, list);
      }
    }
  }
  return pins;
}

const parts = (version: string) => version.split('.').map(Number) as [number, number, number];

function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** `range`: exact, `^x.y.z`, `~x.y.z`, `x`, `x.y`, `x.x` (what install lines use). */
export function satisfies(version: string, range: string): boolean {
  const [major, minor] = parts(version);
  if (EXACT.test(range)) return version === range;
  const caret = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (caret) {
    const [m, n] = parts(caret);
    return compare(version, caret) >= 0 && (m > 0 ? major === m : minor === n);
  }
  const tilde = /^~(\d+\.\d+\.\d+)$/.exec(range)?.[1];
  if (tilde) return compare(version, tilde) >= 0 && parts(tilde)[1] === minor;
  const loose = /^(\d+)(?:\.(\d+|x))?(?:\.x)?$/.exec(range);
  if (loose) {
    return (
      major === Number(loose[1]) && (!loose[2] || loose[2] === 'x' || minor === Number(loose[2]))
    );
  }
  throw new Error(`install line range ${range} is not one this test reads (exact, ^, ~, x, x.y)`);
}

/** The pinned version for `spec`; throws, saying what to pin, when the workspace has none. */
export function pinnedVersion(pins: Pins, spec: InstallSpec): string {
  const candidates = (pins.get(spec.name) ?? []).filter(
    (version) => spec.range === undefined || satisfies(version, spec.range),
  );
  const [first] = candidates.sort((a, b) => compare(b, a));
  if (first === undefined) {
    throw new Error(
      `${spec.name}${spec.range ? `@${spec.range}` : ''} is in a README install line but no workspace package pins a version of it${spec.range ? ' in that range' : ''}: add it to tools/readme-snippets/package.json`,
    );
  }
  return first;
}
