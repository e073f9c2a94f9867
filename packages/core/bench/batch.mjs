// Shared by the benchmarks: CPU-time batches for tinybench, rounds in rotated order, and the
// median of rounds.
import { existsSync } from 'node:fs';
import { Bench } from 'tinybench';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * One tinybench iteration = a batch of calls sized to ~2 ms, so reading the CPU clock (a syscall)
 * costs nothing measurable. Reports the CPU time per call; counts wall time on the side.
 */
export function batchOf(fn, isAsync) {
  const state = { size: 1, sizing: 8, wallMs: 0, calls: 0, run: undefined };
  const finish = (size, cpu0, wall0) => {
    const wall = performance.now() - wall0;
    const cpuMs = (cpuMicros() - cpu0) / 1000;
    if (state.sizing > 0) {
      // The first batches (JIT warm-up) size the next ones, then the size stays fixed.
      state.sizing--;
      state.size = Math.max(1, Math.round((2 * size) / Math.max(wall, 1e-3)));
    } else {
      state.wallMs += wall;
      state.calls += size;
    }
    return { overriddenDuration: cpuMs / size, overriddenIterationCost: wall };
  };
  state.run = isAsync
    ? async () => {
        const size = state.size;
        const wall0 = performance.now();
        const cpu0 = cpuMicros();
        for (let i = 0; i < size; i++) await fn();
        return finish(size, cpu0, wall0);
      }
    : () => {
        const size = state.size;
        const wall0 = performance.now();
        const cpu0 = cpuMicros();
        for (let i = 0; i < size; i++) fn();
        return finish(size, cpu0, wall0);
      };
  return state;
}

/**
 * Runs `runs` (batch functions from `batchOf`) in `rounds` short tinybench rounds of `time / rounds`
 * ms each, in rotated order so no task always goes first. Returns, per round, the ops/s and the
 * relative margin of error of each task (indexes as in `runs`).
 */
export async function runRounds(runs, { rounds, time, label = 'bench' }) {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      name: `${label} round ${round + 1}`,
      time: time / rounds,
      warmupTime: Math.min(200, time / rounds / 2),
      throws: true,
      setup: () => globalThis.gc(),
    });
    const order = runs.map((_, i) => (i + round) % runs.length);
    for (const i of order) bench.add(String(i), runs[i]);
    await bench.run();
    const ops = new Array(runs.length);
    const rme = new Array(runs.length);
    for (const task of bench.tasks) {
      const i = Number(task.name);
      ops[i] = 1000 / task.result.period;
      rme[i] = task.result.latency.rme;
    }
    results.push({ ops, rme });
  }
  return results;
}

/** Exits with a hint unless run with --expose-gc after a build of the package. */
export function requireBenchSetup() {
  if (typeof globalThis.gc !== 'function') {
    console.error('Run with node --expose-gc (pnpm bench does).');
    process.exit(1);
  }
  if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
    console.error('dist/ is missing: run `pnpm --filter @composio-webhooks/core build` first.');
    process.exit(1);
  }
}
