/**
 * Redis going away under a running receiver, on a redis-server this file owns: stopped mid-run
 * (503 fast, or processing with failOpen; 200 again once it is back) and frozen (timeouts).
 * Never a hang, never a crash, never an unhandled rejection.
 */
import {
  createWebhookReceiver,
  type ReceiverOutcome,
  type ReceiverResponse,
} from '@composio-webhooks/core';
import { RedisServer } from '@composio-webhooks/test-redis';
import type { RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisIdempotencyError, RedisIdempotencyStore } from '../src/index.js';
import {
  closeClients,
  createClient,
  type IoredisMajor,
  type TrackedClient,
  watchUnhandledRejections,
} from './helpers/clients.js';
import { routerCalling, SECRET, signedDelivery } from './helpers/deliveries.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const TIMEOUT_MS = 500;
/** Slack for the event loop and process scheduling on a busy CI machine. */
const SLACK_MS = 700;
const unhandled = watchUnhandledRejections();

afterAll(() => {
  closeClients();
  expect(unhandled.stop()).toEqual([]);
});

const configs: [string, IoredisMajor, RedisOptions][] = [
  ['ioredis 5, default options', 5, {}],
  ['ioredis 6, default options', 6, {}],
  [
    'ioredis 5, fail-fast options',
    5,
    { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000 },
  ],
];

describe.each(configs)('%s', (_label, major, options) => {
  let server: RedisServer;
  let proxy: TcpProxy;
  let tracked: TrackedClient;
  const runs: string[] = [];
  const outcomes: ReceiverOutcome[] = [];

  beforeAll(async () => {
    server = await RedisServer.start();
    proxy = await TcpProxy.start(server.port);
    tracked = createClient(proxy.url, major, options);
    await vi.waitFor(() => expect(tracked.client.status).toBe('ready'), { timeout: 10_000 });
  });
  afterEach(async () => {
    server.resume();
    if (!server.running) await server.restart();
    await proxy.restore();
    await vi.waitFor(() => expect(tracked.client.status).toBe('ready'), { timeout: 10_000 });
  });
  afterAll(async () => {
    await proxy.cut();
    await server.stop();
  });

  function receivers(leaseMs = 5_000) {
    const store = new RedisIdempotencyStore({
      client: tracked.client,
      prefix: `outage:${globalThis.crypto.randomUUID()}:`,
      timeoutMs: TIMEOUT_MS,
      leaseMs,
    });
    const make = (failOpen: boolean) =>
      createWebhookReceiver({
        router: routerCalling(async (id) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          runs.push(id);
        }),
        secret: SECRET,
        idempotency: store,
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

  it('answers 503 while Redis is stopped, processes with failOpen, and 200 again once it is back', async () => {
    const { closed, open } = receivers();
    const before = await signedDelivery();
    expect((await closed.receive(before)).status).toBe(200);

    await server.stop();
    await vi.waitFor(() => expect(tracked.client.status).not.toBe('ready'));

    const missed = await signedDelivery();
    const { response, ms } = await timed(closed.receive(missed));
    expect503(response);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    const outcome = outcomes.at(-1);
    expect(outcome).toMatchObject({ type: 'store-unavailable', status: 503, id: missed.id });
    expect(outcome?.error?.cause).toBeInstanceOf(RedisIdempotencyError);
    expect(outcome?.error?.cause).toMatchObject({ operation: 'claim', failure: 'timeout' });

    // A burst while down: every request answered, none hangs.
    const burst = await timed(
      Promise.all(Array.from({ length: 25 }, async () => closed.receive(await signedDelivery()))),
    );
    for (const r of await burst.response) expect503(r);
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
    await vi.waitFor(() => expect(tracked.client.status).toBe('ready'), { timeout: 10_000 });

    // Composio's retry of the delivery that got 503 is processed: nothing was left queued.
    const retry = await signedDelivery(missed.id);
    expect(await closed.receive(retry)).toEqual({ status: 200, body: { ok: true, id: missed.id } });
    expect(await closed.receive(retry)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(runs.filter((id) => id === missed.id)).toHaveLength(1);
    const fresh = await signedDelivery();
    expect((await closed.receive(fresh)).status).toBe(200);
  });

  it('leaves no claim queued during a network outage, so the retry is processed once it is back', async () => {
    const { closed } = receivers();
    // Redis stays up with its scripts cached: a claim queued in the client would run on reconnect.
    expect((await closed.receive(await signedDelivery())).status).toBe(200);
    await proxy.cut();
    await vi.waitFor(() => expect(tracked.client.status).not.toBe('ready'));
    const missed = await signedDelivery();
    const { response, ms } = await timed(closed.receive(missed));
    expect503(response);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    await proxy.restore();
    await vi.waitFor(() => expect(tracked.client.status).toBe('ready'), { timeout: 10_000 });
    expect(await closed.receive(await signedDelivery(missed.id))).toEqual({
      status: 200,
      body: { ok: true, id: missed.id },
    });
    expect(runs.filter((id) => id === missed.id)).toHaveLength(1);
  });

  it('answers every request in flight when Redis dies with 200 (handled) or 503 (not)', async () => {
    const { closed } = receivers();
    const deliveries = await Promise.all(Array.from({ length: 30 }, () => signedDelivery()));
    const responses = Promise.all(
      deliveries.map(async (delivery, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 2));
        return closed.receive(delivery);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    await server.stop();
    const answered = await responses;
    for (const [i, response] of answered.entries()) {
      const id = deliveries[i]?.id as string;
      expect([200, 503]).toContain(response.status);
      // 200 means the handler ran (once); 503 means it did not run, so the retry will.
      expect(runs.filter((run) => run === id)).toHaveLength(response.status === 200 ? 1 : 0);
    }
  });

  it('times out while Redis is frozen; a late claim only delays the retry by the lease', async () => {
    const LEASE_MS = 1_000;
    const { closed, open } = receivers(LEASE_MS);
    // Redis was restarted by the previous test: a first delivery caches the scripts again.
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

    // The claim sent before the freeze reaches Redis when it thaws: it holds a lease nobody
    // will complete, so the retry answers 409 until that lease lapses, then is processed once.
    server.resume();
    const resumedAt = Date.now();
    const early = await closed.receive(await signedDelivery(frozen.id));
    expect(early.status).toBe(409);
    await vi.waitFor(
      async () =>
        expect(await closed.receive(await signedDelivery(frozen.id))).toEqual({
          status: 200,
          body: { ok: true, id: frozen.id },
        }),
      { timeout: LEASE_MS * 4, interval: 50 },
    );
    expect(Date.now() - resumedAt).toBeLessThan(LEASE_MS + SLACK_MS);
    expect(runs.filter((id) => id === frozen.id)).toHaveLength(1);
  });
});
