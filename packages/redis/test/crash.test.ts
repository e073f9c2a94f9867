/**
 * A crash between claim and complete: the instance holding the lease is SIGKILLed mid-handler.
 * The id answers 409 while the lease lives, and once it lapses the retry is processed elsewhere.
 * Runs on its own redis-server so nothing else shares its keys or timing.
 */
import { rm } from 'node:fs/promises';
import { createWebhookReceiver } from '@composio-webhooks/core';
import { RedisServer } from '@composio-webhooks/test-redis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { RedisIdempotencyStore } from '../src/index.js';
import { closeClients, createClient, watchUnhandledRejections } from './helpers/clients.js';
import { routerCalling, SECRET, signedDelivery } from './helpers/deliveries.js';
import { bundleInstance, post, startInstance } from './helpers/instances.js';

const LEASE_MS = 1_500;
let server: RedisServer;
let script: string;
const unhandled = watchUnhandledRejections();

beforeAll(async () => {
  [server, script] = await Promise.all([RedisServer.start(), bundleInstance()]);
});

afterAll(async () => {
  closeClients();
  await server?.stop();
  await rm(script, { force: true });
  expect(unhandled.stop()).toEqual([]);
});

it('lets the retry through once the lease of a crashed instance expires', async () => {
  const { client, errors } = createClient(server.url);
  const prefix = 'crash:';
  const logKey = 'crash:log';
  const crashing = await startInstance(script, {
    REDIS_URL: server.url,
    PREFIX: prefix,
    LOG_KEY: logKey,
    INSTANCE: 'crashing',
    SECRET,
    LEASE_MS: String(LEASE_MS),
    HANG: '1',
  });
  const delivery = await signedDelivery();

  // The crashing instance claims the id and starts the handler, then dies without a word.
  const lost = post(crashing.url, delivery).catch((error: unknown) => error);
  await vi.waitFor(async () =>
    expect(await client.lrange(`${logKey}:started`, 0, -1)).toEqual([`crashing ${delivery.id}`]),
  );
  await crashing.kill();
  const crashedAt = Date.now();
  expect(await lost).toBeInstanceOf(Error);
  expect(await client.pttl(`${prefix}${delivery.id}`)).toBeGreaterThan(0);

  // A healthy instance gets Composio's retries.
  const runs: string[] = [];
  const receiver = createWebhookReceiver({
    router: routerCalling((id) => runs.push(id)),
    secret: SECRET,
    idempotency: new RedisIdempotencyStore({ client, prefix, leaseMs: LEASE_MS }),
    logger: false,
  });
  const early = await receiver.receive(await signedDelivery(delivery.id));
  expect(early.status).toBe(409);
  expect(early.body).toMatchObject({ error: { code: 'DUPLICATE_IN_FLIGHT' } });
  expect(runs).toEqual([]);

  let processedAt = 0;
  await vi.waitFor(
    async () => {
      const retry = await receiver.receive(await signedDelivery(delivery.id));
      expect(retry).toEqual({ status: 200, body: { ok: true, id: delivery.id } });
      processedAt = Date.now();
    },
    { timeout: LEASE_MS * 3, interval: 50 },
  );
  expect(runs).toEqual([delivery.id]);
  // Not before the lease ran out (it was taken just before the crash), and soon after it.
  expect(processedAt - crashedAt).toBeLessThanOrEqual(LEASE_MS + 1_000);
  expect(processedAt - crashedAt).toBeGreaterThan(LEASE_MS - 500);
  expect(await client.get(`${prefix}${delivery.id}`)).toBe('completed');
  expect((await receiver.receive(await signedDelivery(delivery.id))).body).toMatchObject({
    duplicate: true,
  });
  expect(errors).toEqual([]);
});
