/**
 * Receiver throughput with the Postgres store vs the memory store vs the Redis store (and no
 * store), in one run.
 *
 *   pnpm --filter @composio-webhooks/postgres bench        (builds first through turbo: pnpm bench)
 *
 * Starts a throwaway PostgreSQL server (or uses DATABASE_URL) and a redis-server (or REDIS_URL).
 * Every delivery is unique and signed beforehand, so each receive() verifies the signature,
 * claims, dispatches to a no-op handler and completes: the path of a real first delivery. With
 * taskset, this process runs on CPU 0 and both databases on CPU 1.
 * Options: BENCH_N (deliveries per run, default 5000), BENCH_ROUNDS (default 3),
 * BENCH_CONCURRENCY (default 64), BENCH_POOL_MAX (node-postgres pool size, default 10).
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import { cpus, loadavg } from 'node:os';
import {
  createWebhookReceiver,
  createWebhookRouter,
  MemoryIdempotencyStore,
} from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { RedisIdempotencyStore } from '@composio-webhooks/redis';
import { createTestDatabase, PostgresServer } from '@composio-webhooks/test-postgres';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pin } from '../../../scripts/bench/pin.mjs';
import { hasTaskset, startRedis } from '../../../scripts/bench/redis-server.mjs';
import { PostgresIdempotencyStore } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 10);
const SECRET = 'bench-secret';

async function sign(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const payload = buildTriggerMessage();
    const { body, headers } = await signWebhook({ payload, secret: SECRET });
    out.push({ body, headers });
  }
  return out;
}

function receiverWith(idempotency) {
  const router = createWebhookRouter().onAny(() => {});
  return createWebhookReceiver({ router, secret: SECRET, idempotency, logger: false });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `call` once per delivery, `concurrency` at a time; resolves to calls per second. */
async function throughput(deliveries, concurrency, call) {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const status = await call(deliveries[next++]);
        if (status !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (failures > 0) throw new Error(`${failures} deliveries were not answered 200`);
  return deliveries.length / seconds;
}

function httpServerFor(receiver) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const response = await receiver.receive({
        body: Buffer.concat(chunks),
        headers: req.headers,
      });
      res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
      res.end(JSON.stringify(response.body));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function postWith(agent, port) {
  return ({ body, headers }) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          agent,
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/webhooks/composio',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

const pinned = hasTaskset();
if (pinned) pin(process.pid, 0);
const redis = await startRedis(pinned ? '1' : undefined);
const pgServer = process.env.DATABASE_URL ? undefined : await PostgresServer.start();
if (pgServer && pinned) pin(pgServer.pid, 1); // its backends, forked later, inherit it
const database = await createTestDatabase(pgServer?.url() ?? process.env.DATABASE_URL);
const pool = new pg.Pool({ connectionString: database.url, max: POOL_MAX });
pool.on('error', () => {});
const redisClient = new Redis(redis.url);
redisClient.on('error', () => {});
const runId = `${Date.now()}`;

const stores = [
  ['no store (idempotency: false)', async () => false],
  ['MemoryIdempotencyStore', async () => new MemoryIdempotencyStore({ maxEntries: N * 10 })],
  [
    'RedisIdempotencyStore',
    async (i) => new RedisIdempotencyStore({ client: redisClient, prefix: `bench:${runId}:${i}:` }),
  ],
  [
    `PostgresIdempotencyStore (pg Pool, max ${POOL_MAX})`,
    async (i) => {
      const store = new PostgresIdempotencyStore({ pool, tableName: `bench_${i}` });
      await store.migrate();
      return store;
    },
  ],
  [
    `PostgresIdempotencyStore, preparedStatements`,
    async (i) => {
      const store = new PostgresIdempotencyStore({
        pool,
        tableName: `bench_${i}`,
        preparedStatements: true,
      });
      await store.migrate();
      return store;
    },
  ],
];
const modes = [
  ['receive(), sequential', 1, false],
  [`receive(), ${CONCURRENCY} concurrent`, CONCURRENCY, false],
  [`HTTP keep-alive, ${CONCURRENCY} concurrent`, CONCURRENCY, true],
];

const { rows: version } = await pool.query('SHOW server_version');
console.log(
  `Node ${process.version}, PostgreSQL ${version[0].server_version}, ${N} unique signed deliveries per run after a warm-up, median of ${ROUNDS} rounds (stores interleaved), ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)}, ${pinned ? 'this process on CPU 0, PostgreSQL and Redis on CPU 1' : 'not pinned (no taskset)'}`,
);
const rows = [];
let runIndex = 0;
for (const [modeName, concurrency, overHttp] of modes) {
  const samples = stores.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, makeStore]] of stores.entries()) {
      const receiver = receiverWith(await makeStore(runIndex++));
      const warmup = await sign(Math.min(1_000, N));
      const measured = await sign(N);
      let call = (delivery) => receiver.receive(delivery).then((r) => r.status);
      let server;
      let agent;
      if (overHttp) {
        server = await httpServerFor(receiver);
        agent = new Agent({ keepAlive: true, maxSockets: concurrency });
        call = postWith(agent, server.address().port);
      }
      await throughput(warmup, concurrency, call);
      samples[i].push(await throughput(measured, concurrency, call));
      if (server) {
        agent.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  }
  const medians = samples.map(median);
  for (const [i, [storeName]] of stores.entries()) {
    const perSecond = medians[i];
    rows.push({
      mode: modeName,
      store: storeName,
      'ops/s': Math.round(perSecond),
      'µs/op': Math.round((1e6 / perSecond) * 10) / 10,
      'vs memory': `${(perSecond / medians[1]).toFixed(2)}×`,
      'vs Redis': `${(perSecond / medians[2]).toFixed(2)}×`,
    });
  }
}
console.table(rows);

redisClient.disconnect();
await pool.end();
await database.drop();
await pgServer?.destroy();
await redis.stop();
