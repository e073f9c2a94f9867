/**
 * The inbox in one process against a real redis-server: Express answers once BullMQ has the
 * job, workers run the handlers, copies collapse, retries, dead letters, retry and replay.
 */
import { createWebhookRouter, type WebhookDelivery } from '@composio-webhooks/core';
import { RedisIdempotencyStore } from '@composio-webhooks/redis';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import {
  createWebhookInbox,
  InboxOperationError,
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
  uniqueQueueName,
} from './helpers/setup.js';

const redisUrl = inject('redisUrl');
const clients: Redis[] = [];
const inboxes: WebhookInbox[] = [];
const receivers: Receiver[] = [];

function client(): Redis {
  const redis = new Redis(redisUrl);
  clients.push(redis);
  return redis;
}

function inbox(options: Partial<WebhookInboxOptions> = {}): WebhookInbox {
  const created = createWebhookInbox({
    connection: client(),
    queueName: uniqueQueueName('inbox'),
    logger: false,
    ...options,
  });
  inboxes.push(created);
  return created;
}

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

const fast = { attempts: 3, backoff: { type: 'fixed', delay: 10 } } as const;

async function stateOf(box: WebhookInbox, id: string): Promise<string> {
  const job = await box.queue.getJob(id);
  return job ? await job.getState() : 'missing';
}

function waitForState(box: WebhookInbox, id: string, state: string): Promise<true> {
  return eventually(
    async () => ((await stateOf(box, id)) === state ? true : undefined),
    `${id} to be ${state}`,
  );
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  for (const box of inboxes.splice(0)) {
    await box.close();
    await box.queue.obliterate({ force: true });
  }
});

afterAll(() => {
  for (const redis of clients) redis.disconnect();
});

describe('inbox.router behind composioWebhook()', () => {
  it('answers 200 once the job is queued; the job holds the verified delivery, never the secret', async () => {
    const box = inbox();
    const { url } = await receiver(box);
    const delivery = await signedDelivery();
    const answer = await post(url, delivery);
    expect(answer).toMatchObject({ status: 200, body: { ok: true, id: delivery.id } });

    const job = await box.queue.getJob(delivery.id);
    expect(job?.name).toBe('composio.trigger.message');
    expect(await job?.getState()).toBe('waiting');
    const parsed = JSON.parse(delivery.body) as { id: string };
    expect(job?.data).toEqual({
      id: delivery.id,
      timestamp: Number(delivery.headers['webhook-timestamp']),
      version: 'V3',
      event: parsed,
      raw: parsed,
    });
    expect(job?.opts).toMatchObject({
      attempts: 10,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 86_400, count: 100_000 },
      removeOnFail: false,
    });
    const stored = JSON.stringify(await box.queue.getJob(delivery.id));
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
      /inbox\.router only queues deliveries\. Register handlers on your own router/,
    );
    expect(() => box.process(box.router)).toThrow(/not inbox\.router/);
    expect(box.router.handlersFor(JSON.parse('{"type":"composio.x"}'))).toEqual([]);
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
  });

  it('without an idempotency store, copies on two receivers collapse into one job and one run', async () => {
    const box = inbox();
    const receivers = [
      await receiver(box, { idempotency: false }),
      await receiver(box, { idempotency: false }),
    ];
    const runs: string[] = [];
    box.process(createWebhookRouter().onAny((_event, delivery) => void runs.push(delivery.id)));
    const delivery = await signedDelivery();
    for (const { url } of [...receivers, ...receivers]) {
      expect((await post(url, delivery)).status).toBe(200);
    }
    await waitForState(box, delivery.id, 'completed');
    // A copy after processing: the completed job is still kept, so it is not queued again.
    expect((await post(receivers[0]?.url ?? '', delivery)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs).toEqual([delivery.id]);
    expect(await box.stats()).toMatchObject({ completed: 1, waiting: 0 });
  });

  it('with the Redis idempotency store, copies are answered as duplicates and run once', async () => {
    const box = inbox();
    const idempotency = new RedisIdempotencyStore({
      client: client(),
      prefix: `${box.queueName}:ids:`,
    });
    const a = await receiver(box, { idempotency });
    const b = await receiver(box, { idempotency });
    const runs: string[] = [];
    box.process(createWebhookRouter().onAny((_event, delivery) => void runs.push(delivery.id)));
    const delivery = await signedDelivery();
    expect(await post(a.url, delivery)).toMatchObject({ status: 200, body: { ok: true } });
    expect(await post(b.url, delivery)).toMatchObject({ status: 200, body: { duplicate: true } });
    await waitForState(box, delivery.id, 'completed');
    expect(runs).toEqual([delivery.id]);
  });

  it('a handler failing twice then succeeding completes on attempt 3, each failure logged with id and attempt', async () => {
    const logger = recordingLogger();
    const box = inbox({ jobOptions: { attempts: 5, backoff: { type: 'fixed', delay: 10 } } });
    const { url } = await receiver(box);
    let calls = 0;
    const worker = box.process(
      createWebhookRouter().onAny(() => {
        calls++;
        if (calls <= 2) throw new Error(`flaky upstream ${calls}`);
      }),
      { logger },
    );
    const delivery = await signedDelivery();
    await post(url, delivery);
    await waitForState(box, delivery.id, 'completed');
    expect(calls).toBe(3);
    // BullMQ counts the successful attempt too.
    expect((await box.queue.getJob(delivery.id))?.attemptsMade).toBe(3);
    expect(logger.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error \\[@composio-webhooks/bullmq\\] Handlers failed for delivery ${delivery.id} \\(composio\\.trigger\\.message\\) on attempt 1 of 5; BullMQ retries it after the backoff\\. .*flaky upstream 1`,
        ),
      ),
      expect.stringContaining(
        `delivery ${delivery.id} (composio.trigger.message) on attempt 2 of 5`,
      ),
    ]);
    await worker.close();
  });

  it('a handler that always fails ends in the failed set; inbox.retry runs it again after the fix', async () => {
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
      { logger },
    );
    const delivery = await signedDelivery();
    await post(url, delivery);
    await waitForState(box, delivery.id, 'failed');
    expect(calls).toBe(3);
    expect(await box.failed()).toEqual([
      expect.objectContaining({
        id: delivery.id,
        eventType: 'composio.trigger.message',
        attemptsMade: 3,
        failedReason: expect.stringContaining('handler bug'),
      }),
    ]);
    expect(logger.lines.at(-1)).toContain(
      `on attempt 3 of 3; it stays in the failed set: "composio-webhooks inbox retry ${delivery.id}" runs it again`,
    );
    // A copy arriving now is not queued again: the dead letter is the one record of it.
    expect((await post(url, delivery)).status).toBe(200);

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
      message: expect.stringContaining(`Delivery ${delivery.id} is waiting, not failed`),
    });
    await expect(box.retry('msg_unknown')).rejects.toBeInstanceOf(InboxOperationError);
    await expect(box.retry('msg_unknown')).rejects.toMatchObject({ reason: 'not-found' });
  });

  it('retryAll runs every dead letter again; replay re-runs the deliveries processed since a time', async () => {
    const box = inbox({ jobOptions: { attempts: 1 } });
    const { url } = await receiver(box);
    const failing = new Set<string>();
    const runs: string[] = [];
    box.process(
      createWebhookRouter().onAny((_event, delivery) => {
        runs.push(delivery.id);
        if (failing.has(delivery.id)) throw new Error('still broken');
      }),
    );
    const [early, late1, late2, dead1, dead2] = await Promise.all(
      Array.from({ length: 5 }, () => signedDelivery()),
    );
    if (!early || !late1 || !late2 || !dead1 || !dead2) throw new Error('deliveries');
    failing.add(dead1.id).add(dead2.id);

    await post(url, early);
    await waitForState(box, early.id, 'completed');
    await new Promise((resolve) => setTimeout(resolve, 20));
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
    // dead1 and dead2 were processed just now, late1 and late2 after `since`; early before it.
    expect(await box.replay({ since })).toBe(4);
    await eventually(() => (runs.length === 4 ? true : undefined), 'four replays');
    expect(runs).not.toContain(early.id);
    expect(await box.stats()).toMatchObject({ completed: 5, failed: 0 });
  });
});

describe('with queues and workers you create (as @nestjs/bullmq does)', () => {
  it('takes an existing Queue and gives its processor to your own Worker', async () => {
    const queueName = uniqueQueueName('own');
    const queue = new Queue(queueName, { connection: client(), prefix: 'own' });
    const box = createWebhookInbox({ queue, logger: false });
    expect(box).toMatchObject({ queueName, prefix: 'own' });
    const { url } = await receiver(box);
    const runs: string[] = [];
    const processor = box.processor(
      createWebhookRouter().onAny((_event, delivery) => void runs.push(delivery.id)),
    );
    const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    clients.push(workerConnection);
    const worker = new Worker(queueName, processor, {
      connection: workerConnection,
      prefix: 'own',
    });
    const delivery = await signedDelivery();
    expect((await post(url, delivery)).status).toBe(200);
    await waitForState(box, delivery.id, 'completed');
    expect(runs).toEqual([delivery.id]);
    await worker.close();
    await box.close();
    // The inbox leaves a queue it was given open.
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 });
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('refuses a queue together with connection options', () => {
    const queue = new Queue(uniqueQueueName('both'), { connection: client() });
    expect(() => createWebhookInbox({ queue, connection: client() })).toThrow(
      /Pass either `queue` or `connection`/,
    );
    return queue.close();
  });
});
