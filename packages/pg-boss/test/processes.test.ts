/**
 * The inbox across processes: two receivers and two workers, each its own Node process, against
 * one real PostgreSQL server. Every handler run is recorded in a table by the workers, so the test
 * counts runs across processes.
 */
import { createTestDatabase, type TestDatabase } from '@composio-webhooks/test-postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookInbox } from '../src/index.js';
import { bundleFixture, type Instance, startInstance } from './helpers/processes.js';
import { eventually, post, SECRET, type SignedDelivery, signedDelivery } from './helpers/setup.js';

let receiverScript: string;
let workerScript: string;
let database: TestDatabase;
let pool: pg.Pool;
const running: Instance[] = [];

beforeAll(async () => {
  [receiverScript, workerScript, database] = await Promise.all([
    bundleFixture('receiver'),
    bundleFixture('worker'),
    createTestDatabase(),
  ]);
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});

afterEach(async (context) => {
  // A process that died says why.
  if (context.task.result?.state === 'fail') {
    for (const instance of running) {
      process.stderr.write(
        `--- ${instance.name} (exit ${instance.child.exitCode}) ---\n${instance.stderr()}\n`,
      );
    }
  }
  await Promise.all(running.splice(0).map((instance) => instance.stop()));
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

interface Run {
  queue: string;
  log: string;
  receivers: Instance[];
  workers: Instance[];
}

async function start(
  label: string,
  options: { concurrency: number; expireSeconds?: number },
): Promise<Run> {
  const suffix = globalThis.crypto.randomUUID().slice(0, 8);
  const queue = `test-${label}-${suffix}`;
  const log = `runs_${suffix}`;
  await pool.query(`CREATE TABLE ${log} (instance text, id text, phase text, seq bigserial)`);
  const common = { DATABASE_URL: database.url, QUEUE: queue, SECRET };
  const receivers = await Promise.all(
    ['r1', 'r2'].map((name) =>
      startInstance(receiverScript, {
        ...common,
        INSTANCE: name,
        IDEMPOTENCY: 'none',
        EXPIRE_S: String(options.expireSeconds ?? 900),
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
      }),
    ),
  );
  running.push(...receivers, ...workers);
  return { queue, log, receivers, workers };
}

/**
 * Posts every copy until it is answered 200, as Composio does: a 409 (the same receiver still
 * storing that id), a 503 (PostgreSQL slower than enqueueTimeoutMs on a loaded machine) and a
 * connection closed under the request are retried. Returns the statuses seen.
 */
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
      for (let tries = 0; ; tries++) {
        const status = await post(item.url, item.delivery).then(
          (answer) => answer.status,
          (error: unknown) => {
            if (tries > 20) throw error;
            return 0;
          },
        );
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== 409 && status !== 503 && status !== 0) break;
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

/** webhook-id → the instances that recorded it in `phase`, in order. */
async function runs(log: string, phase: 'started' | 'done'): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<{ instance: string; id: string }>(
    `SELECT instance, id FROM ${log} WHERE phase = $1 ORDER BY seq`,
    [phase],
  );
  const byId = new Map<string, string[]>();
  for (const { instance, id } of rows) byId.set(id, [...(byId.get(id) ?? []), instance]);
  return byId;
}

async function count(log: string, phase: 'started' | 'done'): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${log} WHERE phase = $1`,
    [phase],
  );
  return Number(rows[0]?.n ?? 0);
}

async function drained(run: Run, ids: number): Promise<void> {
  const inbox = createWebhookInbox({
    connectionString: database.url,
    queueName: run.queue,
    logger: false,
  });
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
    await inbox.close();
  }
}

describe('two receivers, two workers', () => {
  it('1000 ids × 3 copies over both receivers, 200 ms handlers: each handler completes exactly once (the queue dedupes)', async () => {
    const ids = 1000;
    const run = await start('exactly-once', { concurrency: 50 });
    const deliveries = await Promise.all(Array.from({ length: ids }, () => signedDelivery()));
    const posts = shuffle(
      deliveries.flatMap((delivery, i) =>
        [0, 1, 2].map((copy) => ({ url: run.receivers[(i + copy) % 2]?.url ?? '', delivery })),
      ),
    );
    const statuses = await deliverAll(posts);
    // Nothing refused or failed: only answers Composio retries (409, 503, a dropped connection).
    expect([...statuses.keys()].filter((status) => ![0, 200, 409, 503].includes(status))).toEqual(
      [],
    );
    await eventually(
      async () => ((await count(run.log, 'done')) >= ids ? true : undefined),
      `${ids} handler runs`,
      60_000,
    );
    const done = await runs(run.log, 'done');
    expect(done.size).toBe(ids);
    expect([...done.values()].filter((instances) => instances.length !== 1)).toEqual([]);
    // Both workers took part.
    expect([...new Set([...done.values()].flat())].sort()).toEqual(['w1', 'w2']);
    await drained(run, ids);
    expect(await count(run.log, 'done')).toBe(ids);
  });

  it('a worker SIGKILLed mid-run loses nothing; only the jobs it held run twice', async () => {
    // Jobs expire 2 s after they start: a dead worker's jobs go back to the queue then.
    const run = await start('sigkill', { concurrency: 20, expireSeconds: 2 });
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
    const byVictim = async (phase: 'started' | 'done') =>
      new Set(
        [...(await runs(run.log, phase)).entries()]
          .filter(([, instances]) => instances.includes('w1'))
          .map(([id]) => id),
      );
    const startedByVictim = await byVictim('started');
    const doneByVictim = await byVictim('done');
    const heldByVictim = [...startedByVictim].filter((id) => !doneByVictim.has(id));
    expect(heldByVictim.length).toBeGreaterThan(0);
    expect((await posting).get(200)).toBe(400);

    // The survivor takes the expired jobs over.
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
    for (const [id, instances] of started) {
      if (instances.length > 1) {
        expect(startedByVictim.has(id)).toBe(true);
        expect(instances).toEqual(['w1', 'w2']);
      }
    }
    // Every job the victim held when it died was run again by the survivor.
    for (const id of heldByVictim) expect(done.get(id)).toEqual(['w2']);
    // Nothing else ran twice.
    for (const [id, instances] of done) {
      if (!startedByVictim.has(id)) expect(instances).toHaveLength(1);
    }
    await drained(run, 400);
  });
});
