/**
 * The guarantee the package exists for: two server instances, each its own Node process with its
 * own receiver, HTTP server and Redis connection, receive the same 200 deliveries interleaved
 * with duplicates, concurrently. Every id's handler runs exactly once in total.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { closeClients, createClient, removeTestKeys, uniquePrefix } from './helpers/clients.js';
import { SECRET, type SignedDelivery, signedDelivery } from './helpers/deliveries.js';
import {
  bundleInstance,
  type Instance,
  type Posted,
  post,
  startInstance,
} from './helpers/instances.js';

const url = inject('redisUrl');
const DELIVERIES = 200;

let script: string;
let instances: Instance[] = [];

beforeAll(async () => {
  script = await bundleInstance();
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.kill()));
  closeClients();
  await removeTestKeys(url);
  await rm(script, { force: true });
});

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]?.();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

it('runs every handler exactly once across two processes under concurrent duplicates', async () => {
  const { client } = createClient(url);
  const prefix = uniquePrefix('two-processes');
  const logKey = `${prefix}log`;
  const common = { REDIS_URL: url, PREFIX: prefix, LOG_KEY: logKey, SECRET, MAX_DELAY_MS: '25' };
  instances = await Promise.all([
    startInstance(script, { ...common, INSTANCE: 'a' }),
    startInstance(script, { ...common, INSTANCE: 'b' }),
  ]);
  const [a, b] = instances as [Instance, Instance];

  const deliveries = await Promise.all(Array.from({ length: DELIVERIES }, () => signedDelivery()));
  const responses: (Posted & { id: string })[] = [];
  const send = async (target: Instance, delivery: SignedDelivery): Promise<void> => {
    responses.push({ id: delivery.id, ...(await post(target.url, delivery)) });
  };
  const randomInstance = (): Instance => (Math.random() < 0.5 ? a : b);

  // Each id: a burst of three copies at once (one to each instance, one to either) that race
  // for the claim, plus a late duplicate somewhere else in the stream, like a Composio retry.
  const tasks = shuffle([
    ...deliveries.map(
      (delivery) => () =>
        Promise.all([send(a, delivery), send(b, delivery), send(randomInstance(), delivery)]).then(
          () => {},
        ),
    ),
    ...deliveries.map((delivery) => () => send(randomInstance(), delivery)),
  ]);
  await pool(tasks, 16);

  expect(responses).toHaveLength(DELIVERIES * 4);
  const statuses = new Set(responses.map((r) => r.status));
  expect([...statuses].sort()).toEqual([200, 409]);
  const inFlight = responses.filter((r) => r.status === 409);
  const duplicates = responses.filter((r) => r.status === 200 && r.body.duplicate === true);
  const processed = responses.filter((r) => r.status === 200 && r.body.duplicate !== true);
  expect(inFlight.every((r) => r.body.error?.code === 'DUPLICATE_IN_FLIGHT')).toBe(true);
  // The copies really raced: some met a claim held by the other process.
  expect(inFlight.length).toBeGreaterThan(0);
  expect(duplicates.length).toBeGreaterThan(0);
  // One processed answer per id.
  expect(processed).toHaveLength(DELIVERIES);
  expect(new Set(processed.map((r) => r.id)).size).toBe(DELIVERIES);

  // Composio retries each 409; by now every id is processed, so every retry is a duplicate.
  await pool(
    inFlight.map((r) => async () => {
      const delivery = deliveries.find((d) => d.id === r.id) as SignedDelivery;
      const retry = await post(randomInstance().url, delivery);
      expect(retry).toEqual({ status: 200, body: { ok: true, id: r.id, duplicate: true } });
    }),
    16,
  );

  // The handler log, across both processes: every id exactly once.
  const log = await client.lrange(logKey, 0, -1);
  expect(log).toHaveLength(DELIVERIES);
  const runs = new Map<string, number>();
  for (const entry of log) {
    const id = entry.split(' ')[1] as string;
    runs.set(id, (runs.get(id) ?? 0) + 1);
  }
  expect([...runs.keys()].sort()).toEqual(deliveries.map((d) => d.id).sort());
  expect([...runs.values()].every((count) => count === 1)).toBe(true);
  // Both processes did part of the work.
  expect(log.filter((entry) => entry.startsWith('a ')).length).toBeGreaterThan(0);
  expect(log.filter((entry) => entry.startsWith('b ')).length).toBeGreaterThan(0);

  // Clean exits, and no unhandled rejection in either process (the fixture exits 70 on one).
  expect(await a.stop()).toBe(0);
  expect(await b.stop()).toBe(0);
  expect(a.stderr()).toBe('');
  expect(b.stderr()).toBe('');
  console.info(
    `two processes: ${processed.length} processed, ${duplicates.length} duplicate 200s, ${inFlight.length} 409s; a ran ${log.filter((e) => e.startsWith('a ')).length}, b ran ${log.filter((e) => e.startsWith('b ')).length}`,
  );
});
