#!/usr/bin/env node
// `pnpm run check`: every step of the project's check, one line each. A step's own output is
// shown only when it fails (or with --verbose), so a green run reads as a list of ticks.
import { spawn } from 'node:child_process';

const STEPS = [
  ['build', 'pnpm', ['build']],
  ['lint (Biome)', 'pnpm', ['lint']],
  ['typecheck', 'pnpm', ['typecheck']],
  ['tests (Node 20)', 'pnpm', ['test']],
  ['core and adapter tests (Node 22, 24)', 'pnpm', ['test:other-nodes']],
  ['package checks (publint, attw)', 'pnpm', ['check:packages']],
  ['ESM and CommonJS consumers', 'pnpm', ['test:consumer']],
  ['demo', 'pnpm', ['demo']],
];
const verbose = process.argv.includes('--verbose');
const started = performance.now();

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => resolve({ code, output: Buffer.concat(output).toString('utf8') }));
  });
}

for (const [name, command, args] of STEPS) {
  const stepStarted = performance.now();
  const { code, output } = await run(command, args);
  const seconds = ((performance.now() - stepStarted) / 1000).toFixed(1);
  if (code === 0) {
    console.log(`✓ ${name} (${seconds} s)`);
    continue;
  }
  console.log(`✗ ${name} (${seconds} s, exit ${code}) — its output:\n`);
  console.log(output.trimEnd());
  console.log(`\n✗ check failed at "${name}": run \`${command} ${args.join(' ')}\` to reproduce.`);
  process.exit(1);
}
console.log(`\nAll checks passed in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
