/**
 * The database going away under a running receiver, on a PostgreSQL server this file owns:
 * stopped (503 at once, or processing with failOpen; 200 again once it is back), crashed with
 * requests in flight, and frozen (503 after timeoutMs). Never a hang, never a crash, never an
 * unhandled rejection.
 */
import {
  createWebhookReceiver,
  type ReceiverOutcome,
  type ReceiverResponse,
} from '@composio-webhooks/core';
import { PostgresServer } from '@composio-webhooks/test-postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { PostgresIdempotencyError, PostgresIdempotencyStore } from '../src/index.js';
import { uniqueTable } from './helpers/contract.js';
import { routerCalling, SECRET, signedDelivery } from './helpers/deliveries.js';

const TIMEOUT_MS = 500;
/** Slack for the event loop and process scheduling on a busy CI machine. */
const SLACK_MS = 700;

let server: PostgresServer;
let pool: pg.Pool;
const runs: string[] = [];
const outcomes: ReceiverOutcome[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await PostgresServer.start();
  // As an app would have it: no error listener of its own (the store adds one).
  pool = new pg.Pool({ connectionString: server.url() });
});
afterEach(async () => {
  server.resume();
  if (!server.running) await server.restart();
});
afterAll(async () => {
  await pool?.end();
  await server?.destroy();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

async function receivers(leaseMs = 5_000) {
  const store = new PostgresIdempotencyStore({
    pool,
    tableName: uniqueTable('outage'),
    timeoutMs: TIMEOUT_MS,
    leaseMs,
    logger: false,
  });
  await store.migrate();
  const make = (failOpen: boolean) =>
    createWebhookReceiver({
      router: routerCalling(async (id) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        runs.push(id);
      }),
      secret: SECRET,
      idempotency: store,
      handlerTimeoutMs: Math.min(2_000, leaseMs / 2),
      failOpen,
      onOutcome: (outcome) => outcomes.push(outcome),
      logger: false,
    });
  return { closed: make(false), open: make(true) };
}

async function timed<T>(promise: Promise<T>) {
  const started = Date.now();
  const response = await promise;
  return { response, ms: Date.now() - started };
}

function expect503(response: ReceiverResponse): void {
  expect(response).toEqual({
    status: 503,
    headers: { 'retry-after': '5' },
    body: { ok: false, error: { code: 'STORE_UNAVAILABLE', message: expect.any(String) } },
  });
}

it('answers 503 while the database is stopped, processes with failOpen, and 200 again once it is back', async () => {
  const { closed, open } = await receivers();
  expect((await closed.receive(await signedDelivery())).status).toBe(200);

  await server.stop('fast');
  const missed = await signedDelivery();
  const { response, ms } = await timed(closed.receive(missed));
  expect503(response);
  expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  const outcome = outcomes.at(-1);
  expect(outcome).toMatchObject({ type: 'store-unavailable', status: 503, id: missed.id });
  expect(outcome?.error?.cause).toBeInstanceOf(PostgresIdempotencyError);
  expect(outcome?.error?.cause).toMatchObject({ operation: 'claim' });

  // A burst while down: every request answered, none hangs.
  const burst = await timed(
    Promise.all(Array.from({ length: 25 }, async () => closed.receive(await signedDelivery()))),
  );
  for (const r of burst.response) expect503(r);
  expect(burst.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS * 2);

  // failOpen: processed without dedupe, the outcome says so.
  const openDelivery = await signedDelivery();
  expect(await open.receive(openDelivery)).toEqual({
    status: 200,
    body: { ok: true, id: openDelivery.id },
  });
  expect(outcomes.at(-1)).toMatchObject({
    type: 'processed',
    id: openDelivery.id,
    storeError: { code: 'STORE_UNAVAILABLE' },
  });
  expect(runs).toContain(openDelivery.id);
  expect(runs).not.toContain(missed.id);

  await server.restart();
  // Composio's retry of the delivery that got 503 is processed, once.
  const retry = await signedDelivery(missed.id);
  expect(await closed.receive(retry)).toEqual({ status: 200, body: { ok: true, id: missed.id } });
  expect(await closed.receive(retry)).toMatchObject({ status: 200, body: { duplicate: true } });
  expect(runs.filter((id) => id === missed.id)).toHaveLength(1);
});

it('answers every request in flight when the database crashes with 200 (handled) or 503 (not)', async () => {
  const { closed } = await receivers();
  const deliveries = await Promise.all(Array.from({ length: 30 }, () => signedDelivery()));
  const responses = Promise.all(
    deliveries.map(async (delivery, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 2));
      return closed.receive(delivery);
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  await server.stop('immediate');
  const answered = await responses;
  expect(answered.some((r) => r.status === 503)).toBe(true);
  for (const [i, response] of answered.entries()) {
    const id = deliveries[i]?.id as string;
    expect([200, 503]).toContain(response.status);
    // 200 means the handler ran (once); 503 means it did not run, so the retry will.
    expect(runs.filter((run) => run === id)).toHaveLength(response.status === 200 ? 1 : 0);
  }
});

it('times out while the database is frozen; a late claim only delays the retry by the lease', async () => {
  const LEASE_MS = 1_500;
  const { closed, open } = await receivers(LEASE_MS);
  expect((await closed.receive(await signedDelivery())).status).toBe(200);
  server.pause();
  const frozen = await signedDelivery();
  const { response, ms } = await timed(closed.receive(frozen));
  expect503(response);
  expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  expect(outcomes.at(-1)?.error?.cause).toMatchObject({ failure: 'timeout' });
  const openDelivery = await signedDelivery();
  expect((await open.receive(openDelivery)).status).toBe(200);
  expect(runs).toContain(openDelivery.id);

  // The claim sent before the freeze reaches the database when it thaws: it holds a lease nobody
  // will complete, so the retry answers 409 until that lease lapses, then is processed once.
  server.resume();
  await vi.waitFor(
    async () =>
      expect(await closed.receive(await signedDelivery(frozen.id))).toEqual({
        status: 200,
        body: { ok: true, id: frozen.id },
      }),
    { timeout: LEASE_MS * 4, interval: 50 },
  );
  expect(runs.filter((id) => id === frozen.id)).toHaveLength(1);
});
