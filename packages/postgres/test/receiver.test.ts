/**
 * Core's receiver with the Postgres store: the status table of the README (duplicates, in flight,
 * handler failure, forgeries), and a handler that outlives the lease, kept claimed by renewals.
 */
import {
  createWebhookReceiver,
  type ReceiverOutcome,
  type WebhookRouter,
} from '@composio-webhooks/core';
import type pg from 'pg';
import { beforeAll, expect, it, vi } from 'vitest';
import { PostgresIdempotencyStore } from '../src/index.js';
import { rowOf, uniqueTable } from './helpers/contract.js';
import { useFileDatabase } from './helpers/database.js';
import { routerCalling, SECRET, signedDelivery } from './helpers/deliveries.js';

const database = useFileDatabase();
let pool: pg.Pool;
beforeAll(() => {
  pool = database.pool();
});

async function receiverWith(
  router: WebhookRouter,
  options: { tableName?: string; leaseMs?: number; handlerTimeoutMs?: number } = {},
) {
  const store = new PostgresIdempotencyStore({
    pool,
    tableName: options.tableName ?? uniqueTable('receiver'),
    ...(options.leaseMs && { leaseMs: options.leaseMs }),
  });
  await store.migrate();
  const outcomes: ReceiverOutcome[] = [];
  const receiver = createWebhookReceiver({
    router,
    secret: SECRET,
    idempotency: store,
    ...(options.handlerTimeoutMs && { handlerTimeoutMs: options.handlerTimeoutMs }),
    onOutcome: (outcome) => outcomes.push(outcome),
    logger: false,
  });
  return { receiver, outcomes, store };
}

it('processes a delivery once and answers its duplicates 200 without running handlers', async () => {
  const runs: string[] = [];
  const { receiver, outcomes } = await receiverWith(routerCalling((id) => runs.push(id)));
  const delivery = await signedDelivery();
  expect(await receiver.receive(delivery)).toEqual({
    status: 200,
    body: { ok: true, id: delivery.id },
  });
  expect(await receiver.receive(delivery)).toEqual({
    status: 200,
    body: { ok: true, id: delivery.id, duplicate: true },
  });
  expect(runs).toEqual([delivery.id]);
  expect(outcomes.map((o) => o.type)).toEqual(['processed', 'duplicate']);
});

it('answers 409 to a copy that arrives while the first is still running, on another receiver', async () => {
  const tableName = uniqueTable('inflight');
  let finish: () => void = () => {};
  const slow = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const runs: string[] = [];
  const first = await receiverWith(
    routerCalling(async (id) => {
      runs.push(id);
      await slow;
    }),
    { tableName },
  );
  const second = await receiverWith(
    routerCalling((id) => runs.push(id)),
    { tableName },
  );
  const delivery = await signedDelivery();
  const pending = first.receiver.receive(delivery);
  await vi.waitFor(() => expect(runs).toHaveLength(1));
  const copy = await second.receiver.receive(delivery);
  expect(copy.status).toBe(409);
  expect(copy.headers).toEqual({ 'retry-after': '5' });
  expect(copy.body).toMatchObject({ ok: false, error: { code: 'DUPLICATE_IN_FLIGHT' } });
  finish();
  expect((await pending).status).toBe(200);
  expect(await second.receiver.receive(delivery)).toMatchObject({
    status: 200,
    body: { duplicate: true },
  });
  expect(runs).toEqual([delivery.id]);
});

it('releases the claim when a handler throws, so the retry is processed', async () => {
  let attempts = 0;
  const processed: string[] = [];
  const { receiver, outcomes, store } = await receiverWith(
    routerCalling((id) => {
      attempts++;
      if (attempts === 1) throw new Error('downstream API down');
      processed.push(id);
    }),
  );
  const delivery = await signedDelivery();
  const failed = await receiver.receive(delivery);
  expect(failed.status).toBe(500);
  expect(failed.body).toMatchObject({ ok: false, error: { code: 'HANDLER_FAILED' } });
  expect(await rowOf(pool, store, delivery.id)).toBeUndefined();
  // The retry (a fresh timestamp and signature, same webhook-id) is processed at once.
  const retry = await signedDelivery(delivery.id);
  expect(await receiver.receive(retry)).toEqual({
    status: 200,
    body: { ok: true, id: delivery.id },
  });
  expect((await rowOf(pool, store, delivery.id))?.token).toBeNull();
  expect(attempts).toBe(2);
  expect(processed).toEqual([delivery.id]);
  expect(outcomes.map((o) => o.type)).toEqual(['handler-failed', 'processed']);
});

it('keeps the claim of a handler that outlives its lease, renewed until it settles', async () => {
  const LEASE_MS = 600;
  let finish: () => void = () => {};
  const runs: string[] = [];
  const { receiver, store } = await receiverWith(
    routerCalling(async (id) => {
      runs.push(id);
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
    }),
    { leaseMs: LEASE_MS, handlerTimeoutMs: 200 },
  );
  const delivery = await signedDelivery();
  // Past handlerTimeoutMs: 503 so Composio retries later; the handler keeps running.
  expect(await receiver.receive(delivery)).toMatchObject({
    status: 503,
    headers: { 'retry-after': expect.stringMatching(/^\d+$/) },
    body: { ok: false, error: { code: 'HANDLER_TIMEOUT' } },
  });
  // Three leases later the claim is still held: every copy meanwhile is 409, none runs.
  for (let i = 0; i < 6; i++) {
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS / 2));
    expect((await receiver.receive(await signedDelivery(delivery.id))).status).toBe(409);
  }
  const row = await rowOf(pool, store, delivery.id);
  expect(row?.token).not.toBeNull();
  expect(row?.expiresInMs).toBeGreaterThan(0);
  finish();
  await vi.waitFor(async () => expect((await rowOf(pool, store, delivery.id))?.token).toBeNull());
  expect(await receiver.receive(await signedDelivery(delivery.id))).toMatchObject({
    status: 200,
    body: { duplicate: true },
  });
  expect(runs).toEqual([delivery.id]);
});

it('never reaches the store for a forged delivery', async () => {
  const { receiver, store } = await receiverWith(routerCalling(() => {}));
  const delivery = await signedDelivery();
  const forged = { ...delivery, body: delivery.body.replace('octocat', 'mallory') };
  expect((await receiver.receive(forged)).status).toBe(401);
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${store.tableName}`);
  expect(rows).toEqual([{ n: 0 }]);
});
