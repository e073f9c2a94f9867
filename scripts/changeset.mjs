#!/usr/bin/env node
// `pnpm changeset [command]`: Changesets (@changesets/cli 3) — `pnpm changeset` to describe a
// change, `pnpm changeset version` to turn the pending ones into versions and CHANGELOG.md entries.
// Changesets 3 needs Node ≥ 22.11 (version 2 bumps a package with an internal peer dependency, the
// CLI, to 1.0.0 on every 0.x minor release); the packages themselves support Node 20, so on an
// older Node this runs it on the Node 22 that `pnpm install` puts in tools/node-binaries.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib/run.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const bin = join(require.resolve('@changesets/cli/package.json'), '..', 'bin.js');
const [major, minor] = process.versions.node.split('.').map(Number);
let node = process.execPath;
if (major < 22 || (major === 22 && minor < 11)) {
  const binaries = createRequire(join(ROOT, 'tools/node-binaries/package.json'));
  node = join(binaries.resolve('node22/package.json'), '..', 'bin', 'node');
  console.error(`changeset: Changesets 3 needs Node ≥ 22.11; running it on ${node}`);
}
const { status } = spawnSync(node, [bin, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);
