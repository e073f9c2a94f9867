/**
 * The pg-boss inbox benchmark (`pnpm --filter @composio-webhooks/pg-boss bench`, after a build).
 * PostgreSQL is DATABASE_URL when set, otherwise a throwaway server started here. The receiver
 * runs in its own process pinned to CPU 0 (taskset, when present); this load generator,
 * PostgreSQL and the workers share CPU 1. Each measure is against a baseline of the same run:
 *
 * 1. Answer latency at BENCH_RATE deliveries/s (default 200, open loop: requests go out on
 *    schedule whatever the answers) with BENCH_HANDLER_MS handlers (default 2000): the inbox
 *    route (a worker runs the handlers meanwhile) vs a route without handlers (the floor) vs the
 *    same handlers inline; BENCH_SECONDS (default 5) per route, BENCH_LATENCY_ROUNDS (default 3).
 * 2. Sustained enqueue throughput of one receiver process: BENCH_N unique deliveries
 *    (default 3000), 64 concurrent, inbox vs the no-handler route; median of BENCH_ROUNDS (3).
 * 3. Worker throughput (one process) at concurrency 1, 8 and 32, with a handler that returns at
 *    once and one that waits 20 ms (an I/O-bound handler); ratio vs concurrency 1.
 */
import { fork, spawnSync } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { verifyWebhook } from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { createWebhookInbox } from '@composio-webhooks/pg-boss';
import { createTestDatabase, PostgresServer } from '@composio-webhooks/test-postgres';
import { pin } from '../../../scripts/bench/pin.mjs';
import { hasTaskset } from '../../../scripts/bench/redis-server.mjs';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 3);
const HANDLER_MS = Number(process.env.BENCH_HANDLER_MS ?? 2000);
const N = Number(process.env.BENCH_N ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECRET = 'bench-secret-for-the-inbox';
const QUEUE = `bench-${process.pid}`;

const pinned = hasTaskset() && cpus().length >= 2;
if (pinned) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]);
const pgServer = process.env.DATABASE_URL ? undefined : await PostgresServer.start();
// The server's backends are forked from the postmaster: pinned with it.
if (pinned && pgServer?.pid !== undefined) pin(pgServer.pid, 1);
const database = await createTestDatabase(pgServer?.url() ?? process.env.DATABASE_URL);
const children = new Set();
// Whatever ends this run (a failure too), leave no receiver or worker of it behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
const env = {
  ...process.env,
  BENCH_SECRET: SECRET,
  BENCH_DATABASE_URL: database.url,
  BENCH_QUEUE: QUEUE,
};

function start(script, extraEnv, cpu) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(pinned && { execPath: 'taskset', execArgv: ['-c', cpu, process.execPath] }),
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const next = (type) =>
    new Promise((resolve) => {
      const on = (message) => {
        if (message.type === type) {
          child.off('message', on);
          resolve(message);
        }
      };
      child.on('message', on);
    });
  const stop = async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'stop' });
    await exited;
  };
  return { child, next, stop };
}

async function signedPool(size) {
  const pool = [];
  for (let i = 0; i < size; i++) {
    const { body, headers } = await signWebhook({ payload: buildTriggerMessage(), secret: SECRET });
    pool.push({ body, headers: { ...headers, 'content-type': 'application/json' } });
  }
  return pool;
}

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function send(port, path, delivery) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'POST', headers: delivery.headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(delivery.body);
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const median = (values) => percentile(values, 50);

/** Open loop: one request every 1000/RATE ms for SECONDS, whatever the answers. */
async function openLoop(port, path, pool) {
  const interval = 1000 / RATE;
  const began = performance.now();
  const pending = [];
  for (let i = 0; i < pool.length; i++) {
    const due = began + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(port, path, pool[i]));
  }
  const results = await Promise.all(pending);
  // Not 200 (e.g. 503 when PostgreSQL did not take the job within enqueueTimeoutMs): counted, shown.
  const other = results.filter((r) => r.status !== 200).length;
  const ms = results.map((r) => r.ms);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms), other };
}

async function closedLoop(port, path, pool, concurrency = 64) {
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pool.length) {
        const { status } = await send(port, path, pool[next++]);
        if (status !== 200) throw new Error(`${path} answered ${status}`);
      }
    }),
  );
  return pool.length / ((performance.now() - began) / 1000);
}

const inbox = createWebhookInbox({
  connectionString: database.url,
  queueName: QUEUE,
  bossOptions: { supervise: false, max: 8 },
  logger: false,
});
const boss = await inbox.boss();
const reset = () => boss.getDb().executeSql('DELETE FROM pgboss.job WHERE name = $1', [QUEUE]);
const fmt = (ms) => `${ms.toFixed(1)} ms`;

console.log(
  `pg-boss inbox bench: ${cpus().length} CPUs, ${pinned ? 'receiver on CPU 0, load + PostgreSQL + workers on CPU 1' : 'not pinned (no taskset)'}, PostgreSQL ${pgServer ? 'started here' : 'from DATABASE_URL'}`,
);
const server = start('./server.mjs', { BENCH_HANDLER_MS: String(HANDLER_MS) }, '0');
const { port } = await server.next('ready');

// 1. Latency at RATE/s with HANDLER_MS handlers: LATENCY_ROUNDS rounds, the order of the routes
// rotating each round so background load hits them alike; medians of the per-round percentiles.
{
  const size = RATE * SECONDS;
  const worker = start(
    './worker.mjs',
    {
      BENCH_CONCURRENCY: String(RATE * Math.ceil(HANDLER_MS / 1000) * 2),
      BENCH_HANDLER_MS: String(HANDLER_MS),
    },
    '1',
  );
  await worker.next('ready');
  await closedLoop(port, '/noop', await signedPool(500)); // warm-up
  await closedLoop(port, '/inbox', await signedPool(500));
  const routes = [
    ['/noop', 'no handlers (floor)'],
    ['/inbox', `inbox.router (worker runs ${HANDLER_MS} ms handlers)`],
    ['/inline', `${HANDLER_MS} ms handlers inline`],
  ];
  const results = new Map(routes.map(([route]) => [route, []]));
  for (let round = 0; round < LATENCY_ROUNDS; round++) {
    for (let i = 0; i < routes.length; i++) {
      const [route] = routes[(i + round) % routes.length];
      results.get(route).push(await openLoop(port, route, await signedPool(size)));
    }
  }
  await worker.stop();
  await reset();
  const rows = routes.map(([route, label]) => {
    const runs = results.get(route);
    return {
      route: label,
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      max: median(runs.map((r) => r.max)),
      other: runs.reduce((sum, r) => sum + r.other, 0),
    };
  });
  const floor = rows[0];
  console.log(
    `\n1. Answer latency at ${RATE} deliveries/s, ${SECONDS} s (${size} deliveries) per route × ${LATENCY_ROUNDS} rounds (medians)`,
  );
  console.table(
    rows.map((r) => ({
      route: r.route,
      p50: fmt(r.p50),
      p99: fmt(r.p99),
      max: fmt(r.max),
      'p99 − floor p99': fmt(r.p99 - floor.p99),
      'p99 / floor p99': `${(r.p99 / floor.p99).toFixed(2)}×`,
      'not 200': r.other,
    })),
  );
}

// 2. Enqueue throughput of one receiver process.
{
  const routes = [
    ['/noop', 'no handlers (floor)'],
    ['/inbox', 'inbox.router (stored)'],
  ];
  const rates = new Map(routes.map(([route]) => [route, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [route] of routes)
      rates.get(route).push(await closedLoop(port, route, await signedPool(N)));
    await reset();
  }
  const floor = rates.get('/noop');
  console.log(
    `\n2. Enqueue throughput, one receiver process, 64 concurrent, ${N} unique deliveries × ${ROUNDS} rounds`,
  );
  console.table(
    routes.map(([route, label]) => ({
      route: label,
      'req/s (median)': Math.round(median(rates.get(route))),
      ratio: `${median(rates.get(route).map((rate, i) => rate / floor[i])).toFixed(2)}×`,
    })),
  );
}
await server.stop();

// 3. Worker throughput by concurrency.
async function fill(count) {
  const signed = await signedPool(Math.min(count, 200));
  const deliveries = await Promise.all(
    signed.map((s) => verifyWebhook({ payload: s.body, headers: s.headers, secret: SECRET })),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        const base = deliveries[i % deliveries.length];
        await inbox.enqueue({ ...base, id: `msg_${globalThis.crypto.randomUUID()}` });
      }
    }),
  );
}

const rows = [];
for (const [handlerMs, sizes] of [
  [0, [500, 1500, 1500]],
  [20, [100, 600, 1500]],
]) {
  let base;
  for (const [i, concurrency] of [1, 8, 32].entries()) {
    await fill(sizes[i]);
    const worker = start(
      './worker.mjs',
      {
        BENCH_CONCURRENCY: String(concurrency),
        BENCH_HANDLER_MS: String(handlerMs),
        BENCH_JOBS: String(sizes[i]),
      },
      '0',
    );
    const { jobs, ms } = await worker.next('done');
    await worker.stop();
    await reset();
    const rate = jobs / (ms / 1000);
    base ??= rate;
    rows.push({
      handler: handlerMs === 0 ? 'returns at once' : `waits ${handlerMs} ms`,
      concurrency,
      jobs,
      'jobs/s': Math.round(rate),
      'vs concurrency 1': `${(rate / base).toFixed(2)}×`,
    });
  }
}
console.log('\n3. Worker throughput, one worker process (CPU 0), PostgreSQL on CPU 1');
console.table(rows);

await inbox.close();
await database.drop();
await pgServer?.destroy();
