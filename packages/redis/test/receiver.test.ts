/** Core's receiver with the Redis store: the status table of the README, on both ioredis majors. */
import {
  createWebhookReceiver,
  type ReceiverOutcome,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { RedisIdempotencyStore } from '../src/index.js';
import {
  closeClients,
  createClient,
  IOREDIS_MAJORS,
  removeTestKeys,
  uniquePrefix,
  watchUnhandledRejections,
} from './helpers/clients.js';
import { routerCalling, SECRET, signedDelivery } from './helpers/deliveries.js';

const url = inject('redisUrl');
const unhandled = watchUnhandledRejections();

afterAll(async () => {
  closeClients();
  await removeTestKeys(url);
  expect(unhandled.stop()).toEqual([]);
});

describe.each(IOREDIS_MAJORS)('receiver + RedisIdempotencyStore on ioredis %i', (major) => {
  const { client, errors } = createClient(url, major);

  function receiverWith(router: WebhookRouter, prefix: string, leaseMs?: number) {
    const outcomes: ReceiverOutcome[] = [];
    const receiver = createWebhookReceiver({
      router,
      secret: SECRET,
      idempotency: new RedisIdempotencyStore({ client, prefix, ...(leaseMs && { leaseMs }) }),
      onOutcome: (outcome) => outcomes.push(outcome),
      logger: false,
    });
    return { receiver, outcomes };
  }

  it('processes a delivery once and answers its duplicates 200 without running handlers', async () => {
    const runs: string[] = [];
    const { receiver, outcomes } = receiverWith(
      routerCalling((id) => runs.push(id)),
      uniquePrefix('dup'),
    );
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
    const prefix = uniquePrefix('inflight');
    let finish: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const runs: string[] = [];
    const first = receiverWith(
      routerCalling(async (id) => {
        runs.push(id);
        await slow;
      }),
      prefix,
    );
    const second = receiverWith(
      routerCalling((id) => runs.push(id)),
      prefix,
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
    const prefix = uniquePrefix('release');
    let attempts = 0;
    const processed: string[] = [];
    const { receiver, outcomes } = receiverWith(
      routerCalling((id) => {
        attempts++;
        if (attempts === 1) throw new Error('downstream API down');
        processed.push(id);
      }),
      prefix,
    );
    const delivery = await signedDelivery();
    const failed = await receiver.receive(delivery);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ ok: false, error: { code: 'HANDLER_FAILED' } });
    expect(await client.get(`${prefix}${delivery.id}`)).toBeNull();
    // The retry (a fresh timestamp and signature, same webhook-id) is processed at once.
    const retry = await signedDelivery(delivery.id);
    expect(await receiver.receive(retry)).toEqual({
      status: 200,
      body: { ok: true, id: delivery.id },
    });
    expect(await client.get(`${prefix}${delivery.id}`)).toBe('completed');
    expect(attempts).toBe(2);
    expect(processed).toEqual([delivery.id]);
    expect(outcomes.map((o) => o.type)).toEqual(['handler-failed', 'processed']);
  });

  it('never reaches the store for a forged delivery', async () => {
    const prefix = uniquePrefix('forged');
    const { receiver } = receiverWith(
      routerCalling(() => {}),
      prefix,
    );
    const delivery = await signedDelivery();
    const forged = { ...delivery, body: delivery.body.replace('octocat', 'mallory') };
    expect((await receiver.receive(forged)).status).toBe(401);
    expect(await client.keys(`${prefix}*`)).toEqual([]);
  });

  it('had no client errors', () => {
    expect(errors).toEqual([]);
  });
});
