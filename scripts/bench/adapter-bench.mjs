/**
 * The shared HTTP benchmark of the framework adapters (`pnpm bench` in packages/express and
 * packages/koa): requests/s of composioWebhook() against a hand-written raw-body + node:crypto
 * route, on each supported major, in the same run and with the same payload.
 *
 * The server (the adapter's bench/server.mjs, which serves /baseline, /middleware and /memory)
 * runs in a child process, autocannon in this one, so client and server do not share an event
 * loop. Every request carries a correctly signed delivery taken from a pre-signed pool (signing
 * is not measured). Rounds alternate between the routes so drift hits all of them alike; the
 * median of per-round ratios counts. Two measures: requests/s as autocannon sees it, and the
 * server's CPU time per answered request (process.cpuUsage in the server), which other load on a
 * shared machine barely moves. Target: middleware >= 0.9x the baseline.
 *
 * Environment: BENCH_DURATION (seconds per round, default 2), BENCH_ROUNDS (default 7),
 * BENCH_CONNECTIONS (default 10), BENCH_MAJORS (default: every major the adapter supports).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pin } from './pin.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TARGET = 0.9;
const SECRET = 'bench-secret-for-composio-webhooks';
/** Enough unique deliveries that the dedupe round never repeats an id. */
const MEMORY_POOL = 30_000 * DURATION;

const commit = {
  author: 'octocat',
  id: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
  message: 'Fix the flaky test in the webhook receiver and add a regression test for it',
  timestamp: '2026-11-20T09:15:40Z',
  url: 'https://github.com/octocat/hello-world/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e',
  repository: { name: 'hello-world', owner: 'octocat', default_branch: 'main', private: false },
  files: ['src/receiver.ts', 'test/receiver.test.ts', 'README.md'],
};

/** `size` signed deliveries of unique ids, the same 1 KB trigger message otherwise. */
export async function signedPool(size, { buildTriggerMessage, signWebhook }) {
  const pool = [];
  const template = buildTriggerMessage({ data: commit });
  for (let i = 0; i < size; i++) {
    const id = `msg_${globalThis.crypto.randomUUID()}`;
    const signed = await signWebhook({ payload: { ...template, id }, secret: SECRET });
    pool.push({ headers: signed.headers, body: signed.body });
  }
  return pool;
}

/**
 * Forks the adapter's bench server; resolves once it listens, with an IPC `request(message, reply)`.
 * `execPath` runs it on another runtime (Bun); `execArgv` passes Node flags (e.g. --expose-gc).
 */
export function startServer(serverModule, major, { execArgv = [], execPath } = {}) {
  const child = fork(fileURLToPath(serverModule), [major], {
    // Another runtime (Bun) may run the server; Node's IPC channel works with it.
    env: { ...process.env, BENCH_SECRET: SECRET },
    execArgv,
    ...(execPath && { execPath, execArgv: [] }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const request = (message, reply) =>
    new Promise((resolve) => {
      const onMessage = (m) => {
        if (m.type === reply) {
          child.off('message', onMessage);
          resolve(m);
        }
      };
      child.on('message', onMessage);
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.once('message', (m) => resolve({ child, port: m.port, request }));
  });
}

function run(autocannon, port, path, pool, duration) {
  let cursor = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${path}`,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: 'POST',
            setupRequest(req) {
              const delivery = pool[cursor++ % pool.length];
              return { ...req, headers: delivery.headers, body: delivery.body };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, sent: cursor })),
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

/**
 * Runs the benchmark; resolves to true when it failed (a miss of the target, a non-2xx answer,
 * an error, or a repeated id in the dedupe round).
 * `testing` is `@composio-webhooks/core/testing` and `autocannon` the adapter's copy: the
 * adapter's bench passes its own dependencies in. `execPath(major)`, when given, is the binary
 * that runs the server for that major (e.g. Bun). `labels` (optional) renames what the routes
 * compare: `{ middleware, memory, subject, against }` (e.g. packages/otel: instrumented vs not).
 * `extraRoutes` (optional) are more routes of the server, measured in the same rounds and printed
 * beside the others for reference (e.g. packages/otel: a bare SDK span per request).
 */
export async function benchAdapter({
  framework,
  majors,
  baselineLabel,
  serverModule,
  testing,
  autocannon,
  execPath,
  labels = {},
  extraRoutes = [],
}) {
  const MAJORS = (process.env.BENCH_MAJORS ?? majors.join(',')).split(',').map((m) => m.trim());
  const ROUTES = [
    { key: 'baseline', path: '/baseline', label: baselineLabel },
    {
      key: 'middleware',
      path: '/middleware',
      label: labels.middleware ?? 'composioWebhook({ idempotency: false })',
    },
    {
      key: 'memory',
      path: '/memory',
      label: labels.memory ?? 'composioWebhook() + MemoryIdempotencyStore',
    },
    // Reference routes the server also serves (`{ key, path, label }`): printed, not judged.
    ...extraRoutes,
  ];
  const subject = labels.subject ?? 'composioWebhook';
  const against = labels.against ?? 'the hand-written route';

  const sharedPool = await signedPool(2_000, testing);
  const bodyBytes = Buffer.byteLength(sharedPool[0].body);
  console.log(
    `composio-webhooks ${framework} bench: ${CONNECTIONS} connections, ${ROUNDS} rounds x ${DURATION}s per route, ` +
      `signed ${bodyBytes}-byte composio.trigger.message deliveries, server in a child process (Node ${process.version}).`,
  );
  console.log(
    'Measured: POST -> raw body -> HMAC-SHA256 check -> JSON.parse -> handler -> 200 JSON. ' +
      'The no-dedupe routes cycle through 2,000 pre-signed deliveries; the dedupe route gets a fresh pool of unique ids each round (every request claims and completes).',
  );

  let failed = false;
  for (const major of MAJORS) {
    const { child, port, request } = await startServer(serverModule, major, {
      execPath: execPath?.(major),
    });
    // Server on CPU 1, autocannon (this process) on CPU 0, where taskset exists.
    const pinned = pin(child.pid, 1) && pin(process.pid, 0);
    if (major === MAJORS[0]) {
      console.log(
        pinned ? 'Pinned: server on CPU 1, load generator on CPU 0.' : 'Not pinned (no taskset).',
      );
    }
    try {
      for (const route of ROUTES) await run(autocannon, port, route.path, sharedPool, 1); // warm-up
      const perRoute = () => Object.fromEntries(ROUTES.map((route) => [route.key, []]));
      const rates = perRoute();
      const latency = perRoute();
      const cpu = perRoute();
      let non2xx = 0;
      let errors = 0;
      let duplicates = 0;
      const ratios = [];
      const cpuRatios = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate the order each round so no route always runs first (or right after pool signing).
        const order = ROUTES.map((_, i) => ROUTES[(i + round) % ROUTES.length]);
        for (const route of order) {
          let pool = sharedPool;
          if (route.key === 'memory') {
            pool = await signedPool(MEMORY_POOL, testing);
            await request({ type: 'reset-memory' }, 'reset');
          }
          const before = await request({ type: 'counts' }, 'counts');
          const { result, sent } = await run(autocannon, port, route.path, pool, DURATION);
          const after = await request({ type: 'counts' }, 'counts');
          const handledInRound = after.handled[route.key] - before.handled[route.key];
          if (route.key === 'memory') duplicates += Math.max(0, sent - pool.length);
          // Handled must match answered 2xx: every request did the full work.
          if (handledInRound < result['2xx']) {
            throw new Error(
              `${route.path}: ${result['2xx']} answered but ${handledInRound} handled`,
            );
          }
          // Server CPU time per answered request: unlike req/s, barely moved by other load on the machine.
          cpu[route.key].push((after.cpuMicros - before.cpuMicros) / Math.max(1, result['2xx']));
          non2xx += result.non2xx;
          errors += result.errors + result.timeouts;
          rates[route.key].push(result.requests.average);
          latency[route.key].push(result.latency.p99);
        }
        ratios.push(rates.middleware[round] / rates.baseline[round]);
        cpuRatios.push(cpu.baseline[round] / cpu.middleware[round]);
      }
      const base = median(rates.baseline);
      console.log(`\n${framework} ${major}:`);
      for (const route of ROUTES) {
        const rate = median(rates[route.key]);
        const ratio = rate / base;
        console.log(
          `  ${route.label.padEnd(46)} ${fmt(rate).padStart(7)} req/s ` +
            (route.key === 'baseline' ? '(1.00x)' : `(${ratio.toFixed(2)}x)`) +
            `  p99 ${median(latency[route.key])} ms` +
            `  server CPU ${median(cpu[route.key]).toFixed(0)} µs/req` +
            ` (= ${fmt(1e6 / median(cpu[route.key]))} req/s per core)` +
            `  rounds: ${rates[route.key].map(fmt).join(', ')}`,
        );
      }
      // The median of per-round ratios: each compares runs a few seconds apart, under the same load.
      const ratio = median(ratios);
      const cpuRatio = median(cpuRatios);
      const verdict = (r) => (r >= TARGET ? 'meets' : 'MISSES');
      console.log(
        `  => req/s: ${subject} is ${ratio.toFixed(2)}x ${against} (median of per-round ratios ` +
          `${ratios.map((r) => r.toFixed(2)).join(', ')}; ${verdict(ratio)} the ${TARGET}x target)`,
      );
      console.log(
        `  => CPU per request: ${cpuRatio.toFixed(2)}x ${against}'s capacity (per-round ` +
          `${cpuRatios.map((r) => r.toFixed(2)).join(', ')}; ${verdict(cpuRatio)} the ${TARGET}x target); ` +
          `with the memory dedupe store ${(median(cpu.baseline) / median(cpu.memory)).toFixed(2)}x.`,
      );
      if (non2xx || errors || duplicates) {
        console.log(
          `  !! non-2xx: ${non2xx}, errors/timeouts: ${errors}, repeated ids: ${duplicates}`,
        );
        failed = true;
      }
      if (ratio < TARGET && cpuRatio < TARGET) failed = true;
    } finally {
      child.removeAllListeners('exit');
      child.kill();
    }
  }
  return failed;
}
