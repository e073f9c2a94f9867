#!/usr/bin/env node
// `pnpm run check`: every step of the project's check, one line each. A step's own output is
// shown only when it fails (or with --verbose), so a green run reads as a list of ticks. While a
// step runs, a progress line says how long it has run and what it has done (test files finished,
// build tasks started, packages checked): updated in place on a terminal, one line a minute in a
// log. `--timings` (or CHECK_TIMINGS=1) lists each test step's slowest files after it.
import { progressOf } from './lib/progress.mjs';
import { childrenCpuSeconds, duration, run } from './lib/run.mjs';

const STEPS = [
  ['build', 'pnpm', ['build'], 'turbo'],
  ['lint (Biome)', 'pnpm', ['lint']],
  ['typecheck', 'pnpm', ['typecheck'], 'turbo'],
  ['tests (Node 20)', 'pnpm', ['test'], 'vitest'],
  ['core and adapter tests (Node 22, 24)', 'pnpm', ['test:other-nodes'], 'vitest'],
  ['package checks (publint, attw)', 'pnpm', ['check:packages'], 'packages'],
  ['ESM and CommonJS consumers', 'pnpm', ['test:consumer']],
  ['demo', 'pnpm', ['demo']],
];
const verbose = process.argv.includes('--verbose');
const timings =
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: read by this script, not by a turbo task
  process.argv.includes('--timings') || process.env.CHECK_TIMINGS === '1';
const tty = process.stdout.isTTY === true;
const HEARTBEAT_MS = tty ? 2_000 : 60_000;
const started = performance.now();

function heartbeat(name, progress, stepStarted) {
  if (verbose) return () => {};
  const text = () =>
    `  … ${name}: ${duration((performance.now() - stepStarted) / 1000)}, ${progress.describe()}`;
  const timer = setInterval(() => {
    if (tty) process.stdout.write(`\r\x1b[K${text().slice(0, process.stdout.columns - 1)}`);
    else console.log(text());
  }, HEARTBEAT_MS);
  return () => {
    clearInterval(timer);
    if (tty) process.stdout.write('\r\x1b[K');
  };
}

const results = [];
for (const [name, command, args, kind] of STEPS) {
  const stepStarted = performance.now();
  const cpuBefore = childrenCpuSeconds();
  const progress = progressOf(kind);
  const stop = heartbeat(name, progress, stepStarted);
  const { code, output, seconds } = await run(command, args, {
    inherit: verbose,
    onLine: progress.onLine,
  });
  stop();
  const cpu = cpuBefore === undefined ? '' : `, CPU ${duration(childrenCpuSeconds() - cpuBefore)}`;
  results.push({ name, seconds });
  if (code === 0) {
    console.log(`✓ ${name} (${duration(seconds)}${cpu})`);
    if (timings && progress.files.length > 0) {
      const slowest = [...progress.files].sort((a, b) => b.ms - a.ms).slice(0, 10);
      for (const file of slowest) {
        console.log(
          `    ${(file.ms / 1000).toFixed(1).padStart(6)} s  ${file.phase ? `${file.phase}: ` : ''}${file.name}`,
        );
      }
    }
    continue;
  }
  console.log(`✗ ${name} (${duration(seconds)}${cpu}, exit ${code}) — its output:\n`);
  console.log(output.trimEnd());
  console.log(`\n✗ check failed at "${name}": run \`${command} ${args.join(' ')}\` to reproduce.`);
  process.exit(1);
}
const longest = [...results]
  .sort((a, b) => b.seconds - a.seconds)
  .slice(0, 3)
  .map((step) => `${step.name} ${duration(step.seconds)}`);
const totalCpu = childrenCpuSeconds();
console.log(
  `\nAll checks passed in ${duration((performance.now() - started) / 1000)}${totalCpu === undefined ? '' : ` (CPU ${duration(totalCpu)})`}; longest: ${longest.join(', ')}.`,
);
