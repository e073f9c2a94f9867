#!/usr/bin/env node
// Package hygiene of every public package: publint (package.json, exports, files) and
// @arethetypeswrong/cli (types resolve for ESM and CommonJS consumers under node16 resolution).
// Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const attw = join(root, 'node_modules/.bin/attw');
let failed = false;

try {
  execFileSync(process.execPath, [join(root, 'scripts/package-metadata.mjs'), '--check'], {
    stdio: 'inherit',
  });
} catch {
  failed = true;
}

for (const name of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, name);
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    continue;
  }
  if (pkg.private) continue;

  const { messages } = await publint({ pkgDir: dir, level: 'suggestion', strict: true });
  const problems = messages.map((m) => `  publint ${m.type}: ${formatMessage(m, pkg)}`);

  try {
    execFileSync(attw, ['--pack', dir, '--profile', 'node16', '--format', 'table-flipped'], {
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

if (failed) {
  console.error('\nPackage checks failed: fix the package.json/exports problems above.');
  process.exit(1);
}
