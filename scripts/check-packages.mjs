#!/usr/bin/env node
// Package hygiene of every public package: publint (package.json, exports, files) and
// @arethetypeswrong/cli (types resolve for ESM and CommonJS consumers under node16 resolution),
// both on the tarball `npm publish` would upload (packed once, from the build).
// Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packAll, publicPackages } from './lib/pack.mjs';

const root = new URL('..', import.meta.url).pathname;
const attw = join(root, 'node_modules/.bin/attw');
let failed = false;

try {
  execFileSync(process.execPath, [join(root, 'scripts/package-metadata.mjs'), '--check'], {
    stdio: 'inherit',
  });
} catch {
  failed = true;
}

const scratch = mkdtempSync(join(tmpdir(), 'composio-webhooks-pack-'));
const tarballs = packAll(scratch);
for (const { name, pkg } of publicPackages()) {
  const tarball = tarballs.get(name);
  const bytes = readFileSync(tarball);
  const { messages } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  const problems = messages.map((m) => `  publint ${m.type}: ${formatMessage(m, pkg)}`);

  // attw checks what code resolves to; an export of a plain file (e.g. a .sql migration) has none.
  const assets = Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === 'string' && !/\.(c|m)?js$|\.json$/.test(target))
    .map(([subpath]) => subpath);
  const exclude = assets.length > 0 ? ['--exclude-entrypoints', ...assets] : [];
  try {
    execFileSync(attw, [tarball, '--profile', 'node16', '--format', 'table-flipped', ...exclude], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (error) {
    problems.push(`  attw:\n${String(error.stdout || error.stderr || error.message).trim()}`);
  }

  if (problems.length > 0) {
    failed = true;
    console.log(`✗ ${pkg.name}\n${problems.join('\n')}`);
  } else {
    console.log(`✓ ${pkg.name}: publint and attw clean`);
  }
}

rmSync(scratch, { recursive: true, force: true });
if (failed) {
  console.error('\nPackage checks failed: fix the package.json/exports problems above.');
  process.exit(1);
}
