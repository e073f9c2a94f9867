/**
 * The inbox contract without an engine: an enqueue function stands in for the engine's (the
 * engines' own suites run it on real Redis and PostgreSQL).
 */
import { describe, expect, it } from 'vitest';
import { createWebhookReceiver } from '../receiver.js';
import { createWebhookRouter } from '../router.js';
import { buildTriggerMessage, signWebhook } from '../testing.js';
import { verifyWebhook } from '../verifier.js';
import {
  createInboxRouter,
  createInboxRunner,
  type InboxJob,
  inboxJobOf,
  keepReceivedBody,
  routerKeepsBody,
  toJobData,
} from './index.js';

const secret = 'inbox-contract-secret';
const engine = {
  message: (text: string) => `[engine] ${text}`,
  target: 'q',
  storage: 'TestStore',
  retrying: 'the engine retries it',
  deadLetter: (id: string) => `it is dead: retry ${id}`,
};

async function verified() {
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
  const delivery = await verifyWebhook({ payload: signed.body, headers: signed.headers, secret });
  return { signed, delivery };
}

describe('createInboxRouter', () => {
  it('enqueues the verified delivery under its webhook-id, never the secret', async () => {
    const jobs: InboxJob[] = [];
    const { router } = createInboxRouter({
      engine,
      enqueue: async (job) => void jobs.push(job),
      enqueueTimeoutMs: 1000,
    });
    const { delivery } = await verified();
    await router.dispatch(delivery);
    expect(jobs).toEqual([
      { id: delivery.id, name: delivery.event.type, data: toJobData(delivery) },
    ]);
    expect(JSON.stringify(jobs)).not.toContain(secret);
    expect(routerKeepsBody(router)).toBe(false);
  });

  it("a receiver on an inbox answers 200 with queued: true (the handlers run later); a router's 200 has no queued", async () => {
    const { router } = createInboxRouter({
      engine,
      enqueue: async () => {},
      enqueueTimeoutMs: 1000,
    });
    const inbox = createWebhookReceiver({ router, secret, logger: false });
    const plain = createWebhookReceiver({ router: createWebhookRouter(), secret, logger: false });
    const { signed } = await verified();
    const queued = await inbox.receive({ body: signed.body, headers: signed.headers });
    expect(queued).toMatchObject({ status: 200, body: { ok: true, queued: true } });
    const handled = await plain.receive({ body: signed.body, headers: signed.headers });
    expect(handled.status).toBe(200);
    expect(handled.body).not.toHaveProperty('queued');
    const copy = await inbox.receive({ body: signed.body, headers: signed.headers });
    expect(copy.body).toMatchObject({ duplicate: true });
    expect(copy.body).not.toHaveProperty('queued');
  });

  it('an engine slower than enqueueTimeoutMs, or failing, is STORE_UNAVAILABLE (503)', async () => {
    const { delivery } = await verified();
    const slow = createInboxRouter({
      engine,
      enqueue: () => new Promise(() => {}),
      enqueueTimeoutMs: 20,
    });
    await expect(slow.router.dispatch(delivery)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      status: 503,
      message: expect.stringContaining(
        `[engine] Could not queue delivery ${delivery.id} on q (Error: TestStore did not accept the job within 20 ms); answering 503`,
      ),
    });
    const down = createInboxRouter({
      engine,
      enqueue: () => Promise.reject(new Error('connect ECONNREFUSED')),
      enqueueTimeoutMs: false,
    });
    await expect(down.router.dispatch(delivery)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });

  it('keepBody: the raw body and signature headers the receiver kept go with the job', async () => {
    const jobs: InboxJob[] = [];
    const { router } = createInboxRouter({
      engine,
      enqueue: async (job) => void jobs.push(job),
      enqueueTimeoutMs: false,
      keepBody: true,
    });
    expect(routerKeepsBody(router)).toBe(true);
    const { signed, delivery } = await verified();
    keepReceivedBody(delivery, new TextEncoder().encode(signed.body), signed.headers);
    await router.dispatch(delivery);
    // Exactly the three signature headers, whatever else the request had.
    expect(jobs[0]?.data).toMatchObject({ body: signed.body });
    expect(jobs[0]?.data.headers).toEqual({
      'webhook-id': signed.headers['webhook-id'],
      'webhook-timestamp': signed.headers['webhook-timestamp'],
      'webhook-signature': signed.headers['webhook-signature'],
    });
  });
});

describe('createInboxRunner', () => {
  it('runs the router with the job; a failure is logged with id and attempt and thrown for the engine', async () => {
    const { delivery } = await verified();
    const lines: string[] = [];
    let seen: ReturnType<typeof inboxJobOf>;
    const run = createInboxRunner(
      createWebhookRouter().onAny((_event, d) => {
        seen = inboxJobOf(d);
        throw new Error('boom');
      }),
      { engine, logger: { warn: () => {}, error: (text) => lines.push(text) } },
    );
    const data = JSON.parse(JSON.stringify(toJobData(delivery)));
    await expect(run({ jobId: 'j1', data, attempt: 1, attempts: 3 })).rejects.toMatchObject({
      code: 'HANDLER_FAILED',
      message: expect.stringContaining(
        `[engine] Handlers failed for delivery ${delivery.id} (composio.trigger.message) on attempt 1 of 3 on the worker: Error: boom. Next: the engine retries it.`,
      ),
    });
    expect(seen).toMatchObject({ jobId: 'j1', attempt: 1, attempts: 3 });
    const last = run({ jobId: 'j1', data, attempt: 3, attempts: 3 });
    await expect(last).rejects.toMatchObject({
      message: expect.stringContaining(`it is dead: retry ${delivery.id}`),
    });
    await expect(last).rejects.not.toMatchObject({
      message: expect.stringContaining('answered with 500'),
    });
    expect(lines[0]).toBe(
      `[engine] Handlers failed for delivery ${delivery.id} (composio.trigger.message) on attempt 1 of 3; the engine retries it. Error: boom`,
    );
  });

  it("a run past its deadline fails with HANDLER_TIMEOUT; data that is no delivery gets the engine's error", async () => {
    const { delivery } = await verified();
    const run = createInboxRunner(
      createWebhookRouter().onAny(() => new Promise((resolve) => setTimeout(resolve, 200))),
      { engine, logger: false, malformed: (_id, text) => new RangeError(text) },
    );
    await expect(
      run({ jobId: 'j', data: toJobData(delivery), attempt: 1, attempts: 2, timeoutMs: 20 }),
    ).rejects.toMatchObject({ code: 'HANDLER_TIMEOUT' });
    await expect(
      run({ jobId: 'j9', data: { nope: true }, attempt: 1, attempts: 1 }),
    ).rejects.toThrow(RangeError);
  });

  it('refuses an inbox router as the handlers, at set-up', () => {
    const { router } = createInboxRouter({
      engine,
      enqueue: async () => {},
      enqueueTimeoutMs: false,
    });
    expect(() => createInboxRunner(router, { engine })).toThrow(/not inbox\.router/);
  });
});
