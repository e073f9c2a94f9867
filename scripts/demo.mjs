#!/usr/bin/env node
// `pnpm demo`: works on a fresh clone with nothing built. Builds what the demo runs first — the
// packages and examples it imports (turbo, so a second run is a cache hit) and the Next.js
// example's `next build` when it is missing or older than what it bundles — saying what it
// builds as it goes, then starts examples/demo. Output of a failed build is shown in full.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { duration, ROOT, run } from './lib/run.mjs';

const say = (text) => console.log(`demo: ${text}`);

/** Workspace package name → folder, for every workspace package.json. */
function workspaceFolders() {
  const folders = new Map();
  for (const parent of ['packages', 'examples', 'tools']) {
    for (const name of readdirSync(join(ROOT, parent))) {
      const file = join(ROOT, parent, name, 'package.json');
      if (existsSync(file))
        folders.set(JSON.parse(readFileSync(file, 'utf8')).name, join(ROOT, parent, name));
    }
  }
  return folders;
}

/** Newest modification time under `path` (a file or a folder; node_modules and .next skipped). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '.next') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

async function buildPackages() {
  say('building the packages and examples it runs (turbo; cached after the first run)…');
  let built = 0;
  const result = await run(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=example-demo...', '--output-logs=new-only'],
    {
      onLine(line) {
        const miss = /^(\S+):build: cache miss, executing/.exec(line);
        if (miss) {
          built++;
          console.log(`  building ${miss[1]}`);
        }
      },
    },
  );
  if (result.code !== 0) {
    console.log(result.output.trimEnd());
    say(`✗ the build failed (exit ${result.code}); its output is above.`);
    process.exit(1);
  }
  const total = /Tasks:\s+(\d+) successful/.exec(result.output)?.[1] ?? '?';
  say(`${total} builds ready (${built} built, the rest cached) in ${duration(result.seconds)}`);
}

/** `next build` of examples/nextjs when it has none, or one older than its sources and what it bundles. */
async function buildNext() {
  const folders = workspaceFolders();
  const appDir = folders.get('example-nextjs');
  if (!appDir) return;
  const buildId = join(appDir, '.next', 'BUILD_ID');
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
  // What the app bundles: its own files and the built output of its workspace dependencies.
  const seen = new Set();
  const inputs = [appDir];
  const visit = (deps) => {
    for (const [name, spec] of Object.entries(deps ?? {})) {
      if (!String(spec).startsWith('workspace:') || seen.has(name) || !folders.has(name)) continue;
      seen.add(name);
      const dir = folders.get(name);
      inputs.push(join(dir, 'dist'));
      visit(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies);
    }
  };
  visit(pkg.dependencies);
  const latestInput = Math.max(...inputs.map(newest));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= latestInput) return;
  say(
    existsSync(buildId)
      ? 'rebuilding the Next.js example (next build; what it bundles changed)…'
      : 'building the Next.js example (next build; first run only)…',
  );
  const result = await run('pnpm', ['--filter', 'example-nextjs', 'run', 'next:build'], {
    env: { NEXT_TELEMETRY_DISABLED: '1' },
    onLine(raw) {
      // Next's own progress lines ("Creating an optimized production build ...", "✓ Compiled …"),
      // not its in-place counters (ending in a carriage return) or warnings.
      const line = stripVTControlCharacters(raw).trim();
      if (!raw.endsWith('\r') && (line.startsWith('✓') || line.endsWith('...'))) {
        console.log(`  next: ${line}`);
      }
    },
  });
  if (result.code !== 0) {
    console.log(result.output.trimEnd());
    say(`✗ next build failed (exit ${result.code}); its output is above.`);
    process.exit(1);
  }
  say(`Next.js example built in ${duration(result.seconds)}`);
}

await buildPackages();
await buildNext();
say('starting every example and sending the deliveries…');
const demo = await run('pnpm', ['--filter', 'example-demo', 'start'], { inherit: true });
process.exit(demo.code);
