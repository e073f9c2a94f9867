/**
 * The inbox across processes: two receivers and two workers, each its own Node process, against
 * one real redis-server. Every handler run is appended to Redis lists by the workers, so the test
 * counts runs across processes.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createWebhookInbox } from '../src/index.js';
import { bundleFixture, type Instance, startInstance } from './helpers/processes.js';
import { eventually, post, SECRET, type SignedDelivery, signedDelivery } from './helpers/setup.js';

const redisUrl = inject('redisUrl');
let receiverScript: string;
let workerScript: string;
let redis: Redis;
const running: Instance[] = [];

beforeAll(async () => {
  [receiverScript, workerScript] = await Promise.all([
    bundleFixture('receiver'),
    bundleFixture('worker'),
  ]);
  redis = new Redis(redisUrl);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((instance) => instance.stop()));
});

afterAll(() => redis.disconnect());

interface Run {
  queue: string;
  log: string;
  receivers: Instance[];
  workers: Instance[];
}

async function start(
  label: string,
  options: { idempotency: 'memory' | 'redis' | 'none'; concurrency: number; lockMs?: number },
): Promise<Run> {
  const queue = `test-${label}-${globalThis.crypto.randomUUID()}`;
  const log = `${queue}:log`;
  const common = { REDIS_URL: redisUrl, QUEUE: queue, SECRET };
  const receivers = await Promise.all(
    ['r1', 'r2'].map((name) =>
      startInstance(receiverScript, {
        ...common,
        INSTANCE: name,
        IDEMPOTENCY: options.idempotency,
      }),
    ),
  );
  const workers = await Promise.all(
    ['w1', 'w2'].map((name) =>
      startInstance(workerScript, {
        ...common,
        INSTANCE: name,
        LOG: log,
        HANDLER_MS: '200',
        CONCURRENCY: String(options.concurrency),
        LOCK_MS: String(options.lockMs ?? 30_000),
      }),
    ),
  );
  running.push(...receivers, ...workers);
  return { queue, log, receivers, workers };
}

/** Posts every copy (a 409 — the same receiver still queueing that id — is retried, as Composio does). */
async function deliverAll(
  posts: { url: string; delivery: SignedDelivery }[],
  parallel = 48,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  async function lane(): Promise<void> {
    while (next < posts.length) {
      const item = posts[next++];
      if (!item) return;
      for (;;) {
        const { status } = await post(item.url, item.delivery);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== 409) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane));
  return statuses;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** webhook-id → the instances that logged it, from `${log}:${list}`. */
async function runs(log: string, list: 'started' | 'done'): Promise<Map<string, string[]>> {
  const byId = new Map<string, string[]>();
  for (const line of await redis.lrange(`${log}:${list}`, 0, -1)) {
    const [instance = '', id = ''] = line.split(' ');
    byId.set(id, [...(byId.get(id) ?? []), instance]);
  }
  return byId;
}

async function drained(run: Run, ids: number): Promise<void> {
  const inbox = createWebhookInbox({ connection: redis, queueName: run.queue, logger: false });
  try {
    await eventually(
      async () => {
        const stats = await inbox.stats();
        return stats.completed === ids && stats.waiting + stats.active + stats.delayed === 0
          ? true
          : undefined;
      },
      `${ids} completed jobs`,
      60_000,
    );
  } finally {
    await inbox.queue.obliterate({ force: true });
    await inbox.close();
  }
}

describe('two receivers, two workers', () => {
  // The full 1 000 × 3 where only the queue dedupes; a shorter run with the Redis store, whose
  // dedupe the in-process tests cover too (keeps the suite within its time budget on 2 cores).
  it.each([
    [1000, 'without an idempotency store (the queue dedupes)', 'none'],
    [300, 'with the Redis idempotency store', 'redis'],
  ] as const)(
    '%i ids × 3 copies over both receivers, 200 ms handlers: each handler completes exactly once — %s',
    async (ids, _label, idempotency) => {
      const run = await start(`exactly-once-${idempotency}`, { idempotency, concurrency: 50 });
      const deliveries = await Promise.all(Array.from({ length: ids }, () => signedDelivery()));
      const posts = shuffle(
        deliveries.flatMap((delivery, i) =>
          [0, 1, 2].map((copy) => ({
            url: run.receivers[(i + copy) % 2]?.url ?? '',
            delivery,
          })),
        ),
      );
      const statuses = await deliverAll(posts);
      expect([...statuses.keys()].filter((status) => status !== 200 && status !== 409)).toEqual([]);
      await eventually(
        async () => ((await redis.llen(`${run.log}:done`)) >= ids ? true : undefined),
        `${ids} handler runs`,
        60_000,
      );
      const done = await runs(run.log, 'done');
      expect(done.size).toBe(ids);
      expect([...done.values()].filter((instances) => instances.length !== 1)).toEqual([]);
      // Both workers took part.
      const byWorker = new Set([...done.values()].flat());
      expect([...byWorker].sort()).toEqual(['w1', 'w2']);
      await drained(run, ids);
      expect(await redis.llen(`${run.log}:done`)).toBe(ids);
      await redis.del(`${run.log}:done`, `${run.log}:started`);
    },
  );

  it('a worker SIGKILLed mid-run loses nothing; only the jobs it held run twice', async () => {
    const run = await start('sigkill', { idempotency: 'memory', concurrency: 20, lockMs: 2_000 });
    const [victim, survivor] = run.workers;
    if (!victim || !survivor) throw new Error('two workers');
    const deliveries = await Promise.all(Array.from({ length: 400 }, () => signedDelivery()));
    const posting = deliverAll(
      deliveries.map((delivery, i) => ({ url: run.receivers[i % 2]?.url ?? '', delivery })),
      16,
    );
    await eventually(async () => {
      const started = await runs(run.log, 'started');
      const byVictim = [...started.values()].filter((instances) => instances.includes('w1'));
      return byVictim.length >= 60 ? true : undefined;
    }, 'w1 to be busy');
    await victim.kill();
    const startedByVictim = new Set(
      [...(await runs(run.log, 'started')).entries()]
        .filter(([, instances]) => instances.includes('w1'))
        .map(([id]) => id),
    );
    const doneByVictim = new Set(
      [...(await runs(run.log, 'done')).entries()]
        .filter(([, instances]) => instances.includes('w1'))
        .map(([id]) => id),
    );
    const heldByVictim = [...startedByVictim].filter((id) => !doneByVictim.has(id));
    expect(heldByVictim.length).toBeGreaterThan(0);
    expect((await posting).get(200)).toBe(400);

    // The survivor takes the stalled jobs over once their locks expire.
    await eventually(
      async () => {
        const done = await runs(run.log, 'done');
        return deliveries.every((d) => done.has(d.id)) ? true : undefined;
      },
      'every id to complete',
      60_000,
    );
    const started = await runs(run.log, 'started');
    const done = await runs(run.log, 'done');
    const twice = [...started.entries()].filter(([, instances]) => instances.length > 1);
    for (const [id, instances] of twice) {
      expect(startedByVictim.has(id)).toBe(true);
      expect(instances).toEqual(['w1', 'w2']);
    }
    // Every job the victim held when it died was run again by the survivor.
    for (const id of heldByVictim) expect(done.get(id)).toEqual(['w2']);
    // Nothing else ran twice.
    for (const [id, instances] of done) {
      if (!startedByVictim.has(id)) expect(instances).toHaveLength(1);
    }
    await drained(run, 400);
    await redis.del(`${run.log}:done`, `${run.log}:started`);
  });
});
