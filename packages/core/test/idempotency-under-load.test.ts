/**
 * Dedupe under load, reproducing what an adversarial trial found: a claim in flight was evicted
 * by 10 000 other deliveries (a copy got 200 and ran the handler a second time, concurrently),
 * and "remembered 24 h" really meant "the last 10 000 ids". Deliveries go through a real
 * node:http server in front of the receiver, as every adapter does.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_ENTRIES } from '../src/idempotency.js';
import {
  createWebhookReceiver,
  createWebhookRouter,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  type ReceiverResponse,
  type WebhookReceiver,
} from '../src/index.js';
import { buildTriggerMessage, signWebhook } from '../src/testing.js';

const SECRET = 'idempotency-under-load-secret';
const SLOW = 'msg_00000000-0000-4000-8000-00000000510w';

type Signed = Awaited<ReturnType<typeof signWebhook>>;

async function signedDeliveries(count: number, first?: string): Promise<Signed[]> {
  const template = buildTriggerMessage();
  const out: Signed[] = [];
  for (let i = 0; i < count; i++) {
    const id = i === 0 && first ? first : `msg_${globalThis.crypto.randomUUID()}`;
    out.push(await signWebhook({ payload: { ...template, id }, secret: SECRET, id }));
  }
  return out;
}

/** A handler that counts runs per id; the first run of the slow id waits until `finishSlow()`. */
function countingRouter() {
  const runs = new Map<string, number>();
  let running = 0;
  let maxConcurrentSlow = 0;
  let finish: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const router = createWebhookRouter().onAny(async (_event, delivery) => {
    runs.set(delivery.id, (runs.get(delivery.id) ?? 0) + 1);
    if (delivery.id === SLOW) {
      running++;
      maxConcurrentSlow = Math.max(maxConcurrentSlow, running);
      // Only the first run waits: a second one (the bug) answers at once, so the test fails fast.
      if (runs.get(SLOW) === 1) await gate;
      running--;
    }
  });
  return { router, runs, finishSlow: finish, maxConcurrentSlow: () => maxConcurrentSlow };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  vi.restoreAllMocks();
});

async function serve(receiver: WebhookReceiver): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      receiver.receive({ body: Buffer.concat(chunks), headers: req.headers }).then((answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/composio`;
}

async function post(url: string, delivery: Signed): Promise<ReceiverResponse> {
  const response = await fetch(url, {
    method: 'POST',
    body: delivery.body,
    headers: { ...delivery.headers, 'content-type': 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as ReceiverResponse['body'] };
}

/** Posts every delivery, `concurrency` at a time; returns the statuses seen. */
async function flood(url: string, deliveries: Signed[], concurrency = 32): Promise<Set<number>> {
  const statuses = new Set<number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++] as Signed;
        statuses.add((await post(url, delivery)).status);
      }
    }),
  );
  return statuses;
}

async function slowDeliveryOutlivesFlood(
  others: number,
  options: { idempotency?: IdempotencyStore; handlerTimeoutMs?: number } = {},
  /** Hold the first run at least this long after its claim before sending the copy. */
  outlastMs = 0,
) {
  const { router, runs, finishSlow, maxConcurrentSlow } = countingRouter();
  const receiver = createWebhookReceiver({ router, secret: SECRET, logger: false, ...options });
  const url = await serve(receiver);
  const [slow, ...rest] = await signedDeliveries(others + 1, SLOW);
  const first = post(url, slow as Signed);
  await vi.waitFor(() => expect(runs.get(SLOW)).toBe(1));
  const claimedAt = Date.now();

  expect(await flood(url, rest)).toEqual(new Set([200]));
  const left = claimedAt + outlastMs - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  // The first delivery is still being processed: its copy must wait.
  const copy = await post(url, slow as Signed);
  expect(copy.status).toBe(409);
  expect(copy.body).toMatchObject({ ok: false, error: { code: 'DUPLICATE_IN_FLIGHT' } });

  finishSlow();
  // 200, or 503 when the flood outlasted handlerTimeoutMs (the claim stayed held meanwhile).
  const answer = await first;
  expect([200, 503]).toContain(answer.status);
  await vi.waitFor(async () =>
    expect(await post(url, slow as Signed)).toEqual({
      status: 200,
      body: { ok: true, id: SLOW, duplicate: true },
    }),
  );
  expect(runs.get(SLOW)).toBe(1);
  expect(maxConcurrentSlow()).toBe(1);
  expect(runs.size).toBe(others + 1);
  expect([...runs.values()].every((count) => count === 1)).toBe(true);
}

describe('a claim in flight is never evicted', () => {
  it('default store: one handler sleeps while 10 500 other deliveries arrive over HTTP; its copy gets 409', async () => {
    await slowDeliveryOutlivesFlood(10_500);
  }, 120_000);

  it('a store full 10 times over (maxEntries 500, 5 000 deliveries), past three leases the receiver renews, still answers the copy 409', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 500, leaseMs: 3_000, logger: false });
    // The copy comes three leases after the claim: only renewal (every leaseMs / 3 past the
    // handler deadline) keeps the claim, and the lease leaves 2 s for a busy event loop.
    await slowDeliveryOutlivesFlood(5_000, { idempotency: store, handlerTimeoutMs: 1_000 }, 9_000);
    expect(store.size).toBeLessThanOrEqual(500);
  }, 120_000);

  it('answers 503 when every held id is in flight, and 200 once one settles', async () => {
    const { router, runs, finishSlow } = countingRouter();
    const store = new MemoryIdempotencyStore({ maxEntries: 1, logger: false });
    const url = await serve(
      createWebhookReceiver({ router, secret: SECRET, logger: false, idempotency: store }),
    );
    const [slow, other] = await signedDeliveries(2, SLOW);
    const first = post(url, slow as Signed);
    await vi.waitFor(() => expect(runs.get(SLOW)).toBe(1));
    const refused = await fetch(url, {
      method: 'POST',
      body: (other as Signed).body,
      headers: (other as Signed).headers,
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
    expect((await post(url, slow as Signed)).status).toBe(409);
    finishSlow();
    expect((await first).status).toBe(200);
    expect(await post(url, other as Signed)).toEqual({
      status: 200,
      body: { ok: true, id: (other as Signed).headers['webhook-id'] },
    });
    expect(runs.get(SLOW)).toBe(1);
  });
});

describe('how long a processed id is remembered: the last maxEntries ids or completedTtlMs', () => {
  it('default store: after 100 000 deliveries a resend of the first is a duplicate; one more and it is forgotten, with a warning', async () => {
    // The documented bound (README: "the last 100 000 ids or completedTtlMs").
    const N = 100_000;
    expect(DEFAULT_MAX_ENTRIES).toBe(N);
    // The default store warns through the receiver's logger.
    const warn = vi.fn();
    let handled = 0;
    const router = createWebhookRouter().onAny(() => {
      handled++;
    });
    const receiver = createWebhookReceiver({
      router,
      secret: SECRET,
      logger: { warn, error: () => undefined },
    });
    const deliveries = await signedDeliveries(N);
    const first = deliveries[0] as Signed;
    for (const delivery of deliveries) expect((await receiver.receive(delivery)).status).toBe(200);
    expect(handled).toBe(N);

    // The last 100 000 ids are remembered: the resend of the first is answered from memory.
    expect((await receiver.receive(first)).body).toMatchObject({ ok: true, duplicate: true });
    expect(handled).toBe(N);
    expect(warn).not.toHaveBeenCalled();

    // One more id: the oldest is forgotten (well within 24 h, so the store says so, once).
    const [extra] = await signedDeliveries(1);
    expect((await receiver.receive(extra as Signed)).status).toBe(200);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /forgot 1 processed id younger than completedTtlMs.*RedisIdempotencyStore/,
    );
    expect((await receiver.receive(first)).body).toEqual({
      ok: true,
      id: first.headers['webhook-id'],
    });
    expect(handled).toBe(N + 2);
  }, 300_000);

  it('completedTtlMs ends first when traffic is light', async () => {
    let now = 1_000_000;
    let handled = 0;
    const router = createWebhookRouter().onAny(() => {
      handled++;
    });
    const idempotency = new MemoryIdempotencyStore({ completedTtlMs: 60_000, now: () => now });
    const receiver = createWebhookReceiver({ router, secret: SECRET, logger: false, idempotency });
    const [delivery] = await signedDeliveries(1);
    await receiver.receive(delivery as Signed);
    now += 59_999;
    expect((await receiver.receive(delivery as Signed)).body).toMatchObject({ duplicate: true });
    now += 1;
    expect((await receiver.receive(delivery as Signed)).body).not.toHaveProperty('duplicate');
    expect(handled).toBe(2);
  });
});
