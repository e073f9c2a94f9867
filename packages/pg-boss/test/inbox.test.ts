/**
 * The inbox in one process against a real PostgreSQL server: Express answers once pg-boss has the
 * job, workers run the handlers, copies collapse, retries, dead letters, retry and replay.
 */
import { createWebhookRouter, verifyWebhook, type WebhookDelivery } from '@composio-webhooks/core';
import { keepReceivedBody } from '@composio-webhooks/core/adapter';
import { createTestDatabase, type TestDatabase } from '@composio-webhooks/test-postgres';
import PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebhookInbox,
  InboxOperationError,
  inboxJobId,
  inboxJobOf,
  type WebhookInbox,
  type WebhookInboxOptions,
} from '../src/index.js';
import {
  eventually,
  post,
  type Receiver,
  recordingLogger,
  SECRET,
  signedDelivery,
  startReceiver,
  TEST_BOSS_OPTIONS,
  uniqueQueueName,
} from './helpers/setup.js';

let database: TestDatabase;
const inboxes: WebhookInbox[] = [];
const receivers: Receiver[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await Promise.all(inboxes.splice(0).map((box) => box.close()));
});

afterAll(() => database.drop());

function inbox(options: Partial<WebhookInboxOptions> = {}): WebhookInbox {
  const created = createWebhookInbox({
    connectionString: database.url,
    queueName: uniqueQueueName('inbox'),
    bossOptions: TEST_BOSS_OPTIONS,
    logger: false,
    ...options,
  } as WebhookInboxOptions);
  inboxes.push(created);
  return created;
}

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

const fast = { retryLimit: 2, retryDelay: 0, retryBackoff: false } as const;
const polling = { pollingIntervalSeconds: 0.5 } as const;

async function jobOf(box: WebhookInbox, id: string) {
  return (await box.boss()).getJobById<Record<string, unknown>>(box.queueName, inboxJobId(id));
}

function waitForState(box: WebhookInbox, id: string, state: string): Promise<true> {
  return eventually(
    async () => ((await jobOf(box, id))?.state === state ? true : undefined),
    `${id} to be ${state}`,
  );
}

describe('starting', () => {
  it('a deadlock creating the queue (two processes starting at once) is tried again', async () => {
    // pg-boss 10 creates a queue's table and constraints without a lock: two receivers started
    // together on a new queue deadlocked in CI (40P01). Here the first creation meets that error.
    const boss = new PgBoss({ connectionString: database.url, ...TEST_BOSS_OPTIONS });
    boss.on('error', () => {});
    await boss.start();
    try {
      const create = boss.createQueue.bind(boss);
      let calls = 0;
      boss.createQueue = async (...args: Parameters<typeof create>) => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return create(...args);
      };
      const box = createWebhookInbox({ boss, queueName: uniqueQueueName('race'), logger: false });
      await box.boss();
      expect(calls).toBe(2);
      expect(await boss.getQueue(box.queueName)).toMatchObject({ name: box.queueName });
      await box.close();
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});

describe('inbox.router behind composioWebhook()', () => {
  it('answers 200 once the job is in PostgreSQL; the job holds the verified delivery, never the secret', async () => {
    const box = inbox();
    const { url } = await receiver(box);
    const delivery = await signedDelivery();
    const answer = await post(url, delivery);
    expect(answer).toMatchObject({ status: 200, body: { ok: true, id: delivery.id } });

    const job = await jobOf(box, delivery.id);
    expect(job?.state).toBe('created');
    const parsed = JSON.parse(delivery.body) as { id: string };
    expect(job?.data).toEqual({
      id: delivery.id,
      timestamp: Number(delivery.headers['webhook-timestamp']),
      version: 'V3',
      event: parsed,
      raw: parsed,
    });
    expect(job).toMatchObject({ retryLimit: 9, retryDelay: 2, retryBackoff: true });
    expect(job?.expireIn).toMatchObject({ minutes: 5 });
    const stored = JSON.stringify(job);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(delivery.headers['webhook-signature']);
  });

  it('refuses forgeries before anything is queued', async () => {
    const box = inbox();
    const { url } = await receiver(box);
    const delivery = await signedDelivery();
    const forged = {
      ...delivery,
      headers: { ...delivery.headers, 'webhook-signature': 'v1,AAAA' },
    };
    expect((await post(url, forged)).status).toBe(401);
    expect(await box.stats()).toMatchObject({ waiting: 0 });
  });

  it('refuses handler registration on inbox.router and inbox.router as the worker router', () => {
    const box = inbox();
    expect(() => box.router.onAny(() => {})).toThrow(
      /^\[@composio-webhooks\/pg-boss\] inbox\.router\.onAny\(…\): inbox\.router only queues deliveries\. Register handlers on your own router/,
    );
    expect(() => box.process(box.router)).toThrow(/not inbox\.router/);
  });

  it('keepBody: the job also holds the exact body and signature headers; the handler verifies them again', async () => {
    const box = inbox({ keepBody: true });
    const delivery = await signedDelivery(undefined, { text: 'héllo' });
    const verified = await verifyWebhook({
      payload: delivery.body,
      headers: delivery.headers,
      secret: SECRET,
    });
    // What a receiver does for an inbox router with keepBody (routerKeepsBody(router)).
    keepReceivedBody(verified, delivery.body, delivery.headers);
    await box.router.dispatch(verified);
    const job = await jobOf(box, delivery.id);
    expect(job?.data).toMatchObject({
      body: delivery.body,
      headers: {
        'webhook-id': delivery.id,
        'webhook-timestamp': delivery.headers['webhook-timestamp'],
        'webhook-signature': delivery.headers['webhook-signature'],
      },
    });
    const again: WebhookDelivery[] = [];
    box.process(
      createWebhookRouter().onAny(async (_event, run) => {
        const job = inboxJobOf(run);
        if (!job?.body || !job.headers) throw new Error('no body kept');
        again.push(
          await verifyWebhook({ payload: job.body, headers: job.headers, secret: SECRET }),
        );
      }),
      polling,
    );
    await waitForState(box, delivery.id, 'completed');
    expect(again[0]?.event).toEqual(verified.event);
  });

  it('keepBody without the body from the receiver: refused, not queued without it', async () => {
    const box = inbox({ keepBody: true });
    const delivery = await signedDelivery();
    const verified = await verifyWebhook({
      payload: delivery.body,
      headers: delivery.headers,
      secret: SECRET,
    });
    await expect(box.router.dispatch(verified)).rejects.toMatchObject({ code: 'HANDLER_FAILED' });
    expect(await jobOf(box, delivery.id)).toBeNull();
  });
});

describe('inbox.process(router)', () => {
  it('runs the handlers on a worker with the delivery as the receiver verified it', async () => {
    const box = inbox();
    const { url } = await receiver(box);
    const seen: WebhookDelivery[] = [];
    box.process(
      createWebhookRouter().onTrigger('GITHUB_COMMIT_EVENT', (_event, delivery) => {
        seen.push(delivery);
      }),
      polling,
    );
    const delivery = await signedDelivery(undefined, { sha: 'abc123' });
    await post(url, {
      ...delivery,
      headers: { ...delivery.headers, 'x-composio-delivery-attempt': '2' },
    });
    await waitForState(box, delivery.id, 'completed');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: delivery.id, attempt: 2, version: 'V3' });
    expect(seen[0]?.event).toMatchObject({
      type: 'composio.trigger.message',
      data: { sha: 'abc123' },
    });
    expect(inboxJobOf(seen[0] as WebhookDelivery)).toMatchObject({
      jobId: inboxJobId(delivery.id),
      attempt: 1,
      attempts: 10,
      receivedAt: expect.any(Number),
    });
  });

  it('without an idempotency store, copies on two receivers collapse into one job and one run', async () => {
    const box = inbox();
    const both = [
      await receiver(box, { idempotency: false }),
      await receiver(box, { idempotency: false }),
    ];
    const runs: string[] = [];
    box.process(
      createWebhookRouter().onAny((_event, delivery) => void runs.push(delivery.id)),
      polling,
    );
    const delivery = await signedDelivery();
    for (const { url } of [...both, ...both]) expect((await post(url, delivery)).status).toBe(200);
    await waitForState(box, delivery.id, 'completed');
    // A copy after processing: the completed job is still kept, so it is not queued again.
    expect((await post(both[0]?.url ?? '', delivery)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(runs).toEqual([delivery.id]);
    expect(await box.stats()).toMatchObject({ completed: 1, waiting: 0 });
  });

  it('a handler failing twice then succeeding completes on attempt 3, each failure logged with id and attempt', async () => {
    const logger = recordingLogger();
    const box = inbox({ jobOptions: { retryLimit: 4, retryDelay: 0, retryBackoff: false } });
    const { url } = await receiver(box);
    let calls = 0;
    const attempts: number[] = [];
    box.process(
      createWebhookRouter().onAny((_event, delivery) => {
        calls++;
        attempts.push(inboxJobOf(delivery)?.attempt ?? 0);
        if (calls <= 2) throw new Error(`flaky upstream ${calls}`);
      }),
      { ...polling, logger },
    );
    const delivery = await signedDelivery();
    await post(url, delivery);
    await waitForState(box, delivery.id, 'completed');
    expect(calls).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
    expect((await jobOf(box, delivery.id))?.retryCount).toBe(2);
    expect(logger.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error \\[@composio-webhooks/pg-boss\\] Handlers failed for delivery ${delivery.id} \\(composio\\.trigger\\.message\\) on attempt 1 of 5; pg-boss retries it after the backoff\\. Error: flaky upstream 1$`,
        ),
      ),
      expect.stringContaining(
        `delivery ${delivery.id} (composio.trigger.message) on attempt 2 of 5`,
      ),
    ]);
  });

  it('a handler that always fails ends as a dead letter; inbox.retry runs it again after the fix', async () => {
    const logger = recordingLogger();
    const box = inbox({ jobOptions: fast });
    const { url } = await receiver(box);
    let broken = true;
    let calls = 0;
    box.process(
      createWebhookRouter().onAny(() => {
        calls++;
        if (broken) throw new Error('handler bug');
      }),
      { ...polling, logger },
    );
    const delivery = await signedDelivery();
    await post(url, delivery);
    await waitForState(box, delivery.id, 'failed');
    expect(calls).toBe(3);
    const [dead, ...others] = await box.failed();
    expect(others).toEqual([]);
    expect(dead).toMatchObject({
      id: delivery.id,
      eventType: 'composio.trigger.message',
      attemptsMade: 3,
      failedReason: expect.stringContaining('handler bug'),
    });
    // Worded for a worker, not for an HTTP answer.
    expect(dead?.failedReason).toContain('on attempt 3 of 3 on the worker: Error: handler bug');
    expect(dead?.failedReason).not.toContain('answered with 500');
    expect(logger.lines.at(-1)).toContain(
      `on attempt 3 of 3; it stays in the queue as failed (a dead letter): "composio-webhooks inbox retry ${delivery.id}" runs it again`,
    );
    // A copy arriving now is not queued again: the dead letter is the one record of it.
    expect((await post(url, delivery)).status).toBe(200);
    expect(await box.stats()).toMatchObject({ failed: 1, waiting: 0 });

    broken = false;
    await box.retry(delivery.id);
    await waitForState(box, delivery.id, 'completed');
    expect(calls).toBe(4);
    expect(await box.failed()).toEqual([]);
  });

  it('retry explains what it cannot do', async () => {
    const box = inbox();
    const { url } = await receiver(box);
    const delivery = await signedDelivery();
    await post(url, delivery);
    await expect(box.retry(delivery.id)).rejects.toMatchObject({
      reason: 'not-failed',
      message: expect.stringContaining(`Delivery ${delivery.id} is created, not failed`),
    });
    await expect(box.retry('msg_unknown')).rejects.toBeInstanceOf(InboxOperationError);
    await expect(box.retry('msg_unknown')).rejects.toMatchObject({ reason: 'not-found' });
  });

  it('retryAll runs every dead letter again; replay re-runs the deliveries processed since a time', async () => {
    const box = inbox({ jobOptions: { retryLimit: 0 } });
    const { url } = await receiver(box);
    const failing = new Set<string>();
    const runs: string[] = [];
    box.process(
      createWebhookRouter().onAny((_event, delivery) => {
        runs.push(delivery.id);
        if (failing.has(delivery.id)) throw new Error('still broken');
      }),
      { ...polling, concurrency: 4 },
    );
    const [early, late1, late2, dead1, dead2] = await Promise.all(
      Array.from({ length: 5 }, () => signedDelivery()),
    );
    if (!early || !late1 || !late2 || !dead1 || !dead2) throw new Error('deliveries');
    failing.add(dead1.id).add(dead2.id);

    await post(url, early);
    await waitForState(box, early.id, 'completed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const since = Date.now();
    for (const d of [late1, late2, dead1, dead2]) await post(url, d);
    for (const d of [late1, late2]) await waitForState(box, d.id, 'completed');
    for (const d of [dead1, dead2]) await waitForState(box, d.id, 'failed');
    expect(await box.stats()).toMatchObject({ completed: 3, failed: 2, waiting: 0, active: 0 });

    failing.clear();
    runs.length = 0;
    expect(await box.retryAll()).toBe(2);
    for (const d of [dead1, dead2]) await waitForState(box, d.id, 'completed');
    expect(runs.sort()).toEqual([dead1.id, dead2.id].sort());

    runs.length = 0;
    expect(await box.replay({ since })).toBe(4);
    await eventually(() => (runs.length === 4 ? true : undefined), 'four replays');
    expect(runs).not.toContain(early.id);
    await eventually(
      async () => ((await box.stats()).completed === 5 ? true : undefined),
      'five completed',
    );
  });
});

describe('with a PgBoss your app already has', () => {
  it('uses it, and leaves it running on close()', async () => {
    const boss = new PgBoss({ connectionString: database.url, ...TEST_BOSS_OPTIONS });
    boss.on('error', () => {});
    await boss.start();
    try {
      const box = createWebhookInbox({ boss, queueName: uniqueQueueName('own'), logger: false });
      const { url } = await receiver(box);
      const runs: string[] = [];
      const worker = box.process(
        createWebhookRouter().onAny((_event, delivery) => void runs.push(delivery.id)),
        polling,
      );
      const delivery = await signedDelivery();
      expect((await post(url, delivery)).status).toBe(200);
      await waitForState(box, delivery.id, 'completed');
      expect(runs).toEqual([delivery.id]);
      await worker.close();
      await box.close();
      // The app's PgBoss still works.
      expect(await boss.getQueueSize(box.queueName, { before: 'completed' })).toBe(0);
      expect((await boss.getJobById(box.queueName, inboxJobId(delivery.id)))?.state).toBe(
        'completed',
      );
    } finally {
      await boss.stop({ graceful: false });
    }
  });
});
