import { describe, expect, it, vi } from 'vitest';
import { WebhookConfigError } from './errors.js';
import { WebhookEventType } from './events.js';
import { type IdempotencyStore } from './idempotency.js';
import { MemoryIdempotencyStore } from './memory-store.js';
import type { ReceiverOutcome } from './outcome.js';
import { createWebhookReceiver, type ReceiverOptions } from './receiver.js';
import { createWebhookRouter, type WebhookRouter } from './router.js';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
  signWebhook,
} from './testing.js';

const secret = 'composio-receiver-test-secret';

function setup(options: Partial<ReceiverOptions> = {}) {
  const handled: string[] = [];
  const outcomes: ReceiverOutcome[] = [];
  const router =
    options.router ??
    createWebhookRouter().onAny((event, delivery) => {
      handled.push(`${event.type}:${delivery.id}`);
    });
  const receiver = createWebhookReceiver({
    secret,
    logger: false,
    onOutcome: (outcome) => outcomes.push(outcome),
    ...options,
    router,
  });
  return { receiver, handled, outcomes, router };
}

async function signed(payload: unknown, extra: { timestamp?: number; id?: string } = {}) {
  return signWebhook({ payload, secret, ...extra });
}

describe('createWebhookReceiver: the status table', () => {
  it.each([
    ['V3 trigger message', () => buildTriggerMessage()],
    ['V3 connection expired', () => buildConnectionExpired()],
    ['V3 trigger disabled', () => buildTriggerDisabled()],
    ['unknown composio.* event', () => buildUnknownEvent()],
    ['V1 trigger payload', () => buildV1TriggerPayload()],
    ['V2 trigger payload', () => buildV2TriggerPayload()],
  ])('200 and handlers run for a verified %s', async (_name, build) => {
    const { receiver, handled, outcomes } = setup();
    const { body, headers } = await signed(build());
    const response = await receiver.receive({ body, headers });
    expect(response).toEqual({ status: 200, body: { ok: true, id: headers['webhook-id'] } });
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatch(/^composio\./);
    expect(outcomes.map((o) => o.type)).toEqual(['processed']);
    expect(outcomes[0]?.id).toBe(headers['webhook-id']);
  });

  it('200 for a duplicate of a processed delivery, handlers not called again', async () => {
    const { receiver, handled, outcomes } = setup();
    const first = await signed(buildTriggerMessage());
    // A retry: same webhook-id, new timestamp, new signature.
    const retry = await signed(JSON.parse(first.body), {
      timestamp: Number(first.headers['webhook-timestamp']) + 30,
    });
    expect((await receiver.receive(first)).status).toBe(200);
    const again = await receiver.receive({ body: Buffer.from(retry.body), headers: retry.headers });
    expect(again).toEqual({
      status: 200,
      body: { ok: true, id: first.headers['webhook-id'], duplicate: true },
    });
    expect(handled).toHaveLength(1);
    expect(outcomes.map((o) => o.type)).toEqual(['processed', 'duplicate']);
  });

  it('409 with retry-after while the same delivery is processed elsewhere', async () => {
    let finish: (() => void) | undefined;
    const router = createWebhookRouter().onAny(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    const { receiver, outcomes } = setup({ router });
    const delivery = await signed(buildTriggerMessage());
    const first = receiver.receive(delivery);
    await vi.waitFor(() => expect(finish).not.toBe(undefined));
    const second = await receiver.receive(delivery);
    expect(second.status).toBe(409);
    expect(second.headers).toEqual({ 'retry-after': '5' });
    expect(second.body).toEqual({
      ok: false,
      error: { code: 'DUPLICATE_IN_FLIGHT', message: expect.any(String) },
    });
    finish?.();
    expect((await first).status).toBe(200);
    expect(outcomes.map((o) => o.type)).toEqual(['in-flight', 'processed']);
  });

  it.each([
    ['missing headers', async () => ({ body: '{}', headers: {} }), 'MISSING_HEADERS'],
    [
      'a bad signature',
      async () => {
        const { body, headers } = await signWebhook({
          payload: buildTriggerMessage(),
          secret: 'another-secret',
        });
        return { body, headers };
      },
      'INVALID_SIGNATURE',
    ],
    [
      'a stale timestamp',
      async () => signed(buildTriggerMessage(), { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      'TIMESTAMP_OUT_OF_TOLERANCE',
    ],
    [
      'a timestamp from the future',
      async () => signed(buildTriggerMessage(), { timestamp: Math.floor(Date.now() / 1000) + 400 }),
      'TIMESTAMP_OUT_OF_TOLERANCE',
    ],
    [
      'a non-numeric timestamp',
      async () => {
        const { body, headers } = await signed(buildTriggerMessage());
        return { body, headers: { ...headers, 'webhook-timestamp': '17636e3' } };
      },
      'INVALID_TIMESTAMP',
    ],
  ])('401 for %s, handlers not called', async (_name, make, code) => {
    const { receiver, handled, outcomes } = setup();
    const response = await receiver.receive(await make());
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ ok: false, error: { code, message: expect.any(String) } });
    expect(handled).toEqual([]);
    expect(outcomes[0]).toMatchObject({ type: 'rejected', status: 401, code });
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['a JSON array', '[1,2,3]'],
    ['not a Composio payload', '{"hello":"world"}'],
    [
      'a known type with a malformed body',
      JSON.stringify({ ...buildTriggerDisabled(), data: { id: 1 } }),
    ],
  ])('400 when the signature holds but the body is %s', async (_name, payload) => {
    const { receiver, handled } = setup();
    const response = await receiver.receive(await signed(payload));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(handled).toEqual([]);
  });

  it('413 over the size limit (default 1 MiB, configurable), before any crypto', async () => {
    const big = buildTriggerMessage({ data: { blob: 'x'.repeat(1024 * 1024) } });
    const { receiver } = setup();
    const response = await receiver.receive(await signed(big));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });

    const small = setup({ maxBodyBytes: 2048 });
    expect(
      (
        await small.receiver.receive(
          await signed(buildTriggerMessage({ data: { blob: 'é'.repeat(1100) } })),
        )
      ).status,
    ).toBe(413);
    expect((await small.receiver.receive(await signed(buildTriggerMessage()))).status).toBe(200);

    const roomy = setup({ maxBodyBytes: 3 * 1024 * 1024 });
    expect((await roomy.receiver.receive(await signed(big))).status).toBe(200);
  });

  it('500 when a handler throws, the claim is released, and the retry is processed', async () => {
    let attempts = 0;
    const router = createWebhookRouter().onTrigger('GITHUB_COMMIT_EVENT', () => {
      attempts++;
      if (attempts === 1) throw new Error('database down');
    });
    const { receiver, outcomes } = setup({ router });
    const delivery = await signed(buildTriggerMessage());
    const failed = await receiver.receive(delivery);
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({
      ok: false,
      error: { code: 'HANDLER_FAILED', message: expect.any(String) },
    });
    expect(JSON.stringify(failed.body)).not.toContain('database down');
    const retried = await receiver.receive(delivery);
    expect(retried.status).toBe(200);
    expect(attempts).toBe(2);
    expect(outcomes.map((o) => o.type)).toEqual(['handler-failed', 'processed']);
    expect(outcomes[0]?.error?.message).toContain('database down');
  });

  it('503 when the idempotency store is unreachable; failOpen processes without dedupe', async () => {
    const broken: IdempotencyStore = {
      claim: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
      complete: () => Promise.reject(new Error('down')),
      release: () => Promise.reject(new Error('down')),
    };
    const closed = setup({ idempotency: broken });
    const delivery = await signed(buildTriggerMessage());
    const response = await closed.receiver.receive(delivery);
    expect(response.status).toBe(503);
    expect(response.headers).toEqual({ 'retry-after': '5' });
    expect(response.body).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
    expect(closed.handled).toEqual([]);
    expect(closed.outcomes[0]).toMatchObject({ type: 'store-unavailable', status: 503 });

    const open = setup({ idempotency: broken, failOpen: true });
    expect((await open.receiver.receive(delivery)).status).toBe(200);
    expect((await open.receiver.receive(delivery)).status).toBe(200);
    expect(open.handled).toHaveLength(2);
    expect(open.outcomes[0]?.type).toBe('processed');
    expect(open.outcomes[0]?.storeError?.code).toBe('STORE_UNAVAILABLE');
  });

  it('a complete() that fails while the store is briefly down is retried with the claim token', async () => {
    const memory = new MemoryIdempotencyStore();
    let failures = 2;
    const completed: string[] = [];
    const flaky: IdempotencyStore = {
      claim: (id) => memory.claim(id),
      complete: async (id, token) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('timeout');
        }
        completed.push(token);
        await memory.complete(id, token);
      },
      release: (id, token) => memory.release(id, token),
    };
    const { receiver, outcomes, handled } = setup({ idempotency: flaky });
    const delivery = await signed(buildTriggerMessage());
    // Handlers ran: 200 at once, and the outcome says so.
    expect((await receiver.receive(delivery)).status).toBe(200);
    expect(outcomes.map((o) => o.type)).toEqual(['processed']);
    // Until the retry lands the claim is still live: a copy is in flight, never re-run.
    expect((await receiver.receive(delivery)).status).toBe(409);
    await vi.waitFor(() => expect(completed).toHaveLength(1), { timeout: 3000 });
    expect((await receiver.receive(delivery)).body).toMatchObject({ duplicate: true });
    expect(handled).toHaveLength(1);
  });

  it('idempotency: false runs handlers for every copy', async () => {
    const { receiver, handled } = setup({ idempotency: false });
    const delivery = await signed(buildTriggerMessage());
    for (let i = 0; i < 3; i++) expect((await receiver.receive(delivery)).status).toBe(200);
    expect(handled).toHaveLength(3);
  });

  it('the same delivery received 20 times at once runs handlers exactly once; the others get 200 or 409', async () => {
    let runs = 0;
    const router = createWebhookRouter().on(WebhookEventType.TRIGGER_MESSAGE, async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const { receiver } = setup({ router });
    const delivery = await signed(buildTriggerMessage());
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => receiver.receive(delivery)),
    );
    expect(runs).toBe(1);
    const codes = statuses.map((s) => s.status);
    expect(codes.filter((s) => s === 200)).not.toHaveLength(0);
    expect(codes.every((s) => s === 200 || s === 409)).toBe(true);
    expect(codes.filter((s) => s === 409)).toHaveLength(19);
    // Later copies, once processed, are plain duplicates.
    expect((await receiver.receive(delivery)).body).toMatchObject({ duplicate: true });
    expect(runs).toBe(1);
  });

  it('lease expiry: a claim left by a crashed process stops blocking the id', async () => {
    let now = Date.now();
    const store = new MemoryIdempotencyStore({ leaseMs: 30_000, now: () => now });
    const { receiver, handled } = setup({ idempotency: store });
    const delivery = await signed(buildTriggerMessage());
    await store.claim(delivery.headers['webhook-id']); // the crashed process's claim
    expect((await receiver.receive(delivery)).status).toBe(409);
    now += 30_000;
    expect((await receiver.receive(delivery)).status).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it('never echoes the secret, the signature or the body in responses', async () => {
    const { receiver } = setup();
    const forged = await signWebhook({
      payload: buildTriggerMessage({ data: { token: 'PRIVATE-DATA' } }),
      secret: 'wrong',
    });
    const response = await receiver.receive(forged);
    const text = JSON.stringify(response);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('PRIVATE-DATA');
    expect(text).not.toContain(forged.headers['webhook-signature'].slice(3));
  });
});

describe('createWebhookReceiver: configuration errors at start-up', () => {
  const router: WebhookRouter = createWebhookRouter();
  it.each([
    [{ secret: '', router }, /`secret` is empty/],
    [{ secret, router: undefined as unknown as WebhookRouter }, /needs `router`/],
    [{ secret, router, maxBodyBytes: 0 }, /maxBodyBytes must be a positive integer/],
    [
      { secret, router, idempotency: {} as IdempotencyStore },
      /`idempotency` must be an IdempotencyStore/,
    ],
    [{ secret, router, tolerance: -5 }, /tolerance must be a number/],
  ])('%#: throws WebhookConfigError', (options, pattern) => {
    expect(() => createWebhookReceiver(options as ReceiverOptions)).toThrow(WebhookConfigError);
    expect(() => createWebhookReceiver(options as ReceiverOptions)).toThrow(pattern);
  });
});
