/**
 * The tests run the CLI as a child process. They run a build of the current sources made here,
 * for this run only (JavaScript, no declarations: the typecheck covers those), so a test never
 * runs a stale binary, nor one another process is rebuilding meanwhile. The workspace packages
 * it imports (core, client, bullmq) are bundled in as built; one with no build at all is built
 * here, and one older than its sources is named on stderr (`pnpm check` builds everything first).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { packageBuild } from '../../../tsup.shared.js';
import { BIN_ENV } from './helpers.js';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(packages, 'cli');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? newest(path) : statSync(path).mtimeMs;
    if (time > latest) latest = time;
  }
  return latest;
}

/** The CLI's non-workspace dependencies (regular, peer and optional), kept as imports. */
function thirdPartyDependencies(): string[] {
  const pkg = JSON.parse(readFileSync(join(cli, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  const names = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
    Object.keys(pkg[field] ?? {}),
  );
  return names.filter((name) => !name.startsWith('@composio-webhooks/'));
}

export default async function setup(): Promise<() => void> {
  const dependencies: Array<[string, string, string]> = [
    ['core', 'index.js', '@composio-webhooks/core'],
    ['client', 'testing.js', '@composio-webhooks/client'],
    ['bullmq', 'index.js', '@composio-webhooks/bullmq'],
  ];
  for (const [pkg, artefact, name] of dependencies) {
    const built = join(packages, pkg, 'dist', artefact);
    if (!existsSync(built)) {
      execFileSync('pnpm', ['--filter', name, 'build'], { cwd: packages, stdio: 'inherit' });
    } else if (newest(join(packages, pkg, 'src')) > statSync(built).mtimeMs) {
      process.stderr.write(`[cli tests] ${name}'s dist is older than its sources.\n`);
    }
  }
  // A binary given from outside (a packed release, an older build to compare with) is used as is.
  if (process.env[BIN_ENV]) return () => {};
  // Inside the package, so that its node_modules resolve the workspace packages.
  const outDir = join(cli, 'node_modules', '.cache', 'cli-tests', randomUUID());
  await build({
    ...packageBuild([join(cli, 'src/index.ts'), join(cli, 'src/bin.ts')]),
    tsconfig: join(cli, 'tsconfig.json'),
    // CommonJS: the bundled packages' own CommonJS dependencies (raw-body, …) load as they are.
    format: ['cjs'],
    dts: false,
    sourcemap: false,
    outDir,
    // The workspace packages' builds are bundled in: one rebuilt by another process while the
    // tests run (its dist emptied first) cannot break the binary under test.
    noExternal: [/^@composio-webhooks\//],
    // tsup reads the externals from the package.json of the working directory, which is the
    // repository root when vitest runs every project: name the CLI's own, or json-schema-to-
    // typescript and prettier get bundled (and break) in a root run.
    external: thirdPartyDependencies(),
    silent: true,
    config: false,
  });
  process.env[BIN_ENV] = join(outDir, 'bin.cjs');
  return () => rmSync(outDir, { recursive: true, force: true });
}
