/**
 * Redis Cluster: three masters started here. The inbox (hash-tagged prefix, so each queue lives
 * in one slot) and the Redis idempotency store share one ioredis `Cluster` client: deliveries are
 * queued, deduped, processed, dead-lettered and retried.
 */
import { createWebhookRouter, WebhookConfigError } from '@composio-webhooks/core';
import { RedisIdempotencyStore } from '@composio-webhooks/redis';
import { RedisCluster } from '@composio-webhooks/test-redis';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookInbox, type WebhookInbox } from '../src/index.js';
import { eventually, post, type Receiver, signedDelivery, startReceiver } from './helpers/setup.js';

let cluster: RedisCluster;
let client: Cluster;
let inbox: WebhookInbox;
let receivers: Receiver[];

beforeAll(async () => {
  cluster = await RedisCluster.start(3);
  client = new Cluster(cluster.startupNodes);
  inbox = createWebhookInbox({
    connection: client,
    queueName: 'cluster',
    prefix: '{composio-webhooks}',
    jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
    logger: false,
  });
  const idempotency = new RedisIdempotencyStore({ client });
  receivers = [
    await startReceiver(inbox, { idempotency }),
    await startReceiver(inbox, { idempotency }),
  ];
}, 60_000);

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await inbox.close();
  client.disconnect();
  await cluster.stop();
});

describe('the inbox on a three-master Redis Cluster', () => {
  it('refuses a prefix without a hash tag at start-up, saying how to fix it', () => {
    const lazy = new Cluster(cluster.startupNodes, { lazyConnect: true });
    expect(() => createWebhookInbox({ connection: lazy, logger: false })).toThrow(
      WebhookConfigError,
    );
    expect(() => createWebhookInbox({ connection: lazy, logger: false })).toThrow(
      '[@composio-webhooks/bullmq] On Redis Cluster every key of a BullMQ queue must hash to one slot: give the prefix a hash tag, e.g. prefix: \'{bull}\' (got prefix "bull").',
    );
    lazy.disconnect();
  });

  it('queues, dedupes (store on every node), processes, dead-letters and retries', async () => {
    const runs = new Map<string, number>();
    let broken: string | undefined;
    const worker = inbox.process(
      createWebhookRouter().onAny((_event, delivery) => {
        runs.set(delivery.id, (runs.get(delivery.id) ?? 0) + 1);
        if (delivery.id === broken) throw new Error('broken on the cluster');
      }),
      { concurrency: 8 },
    );
    const deliveries = await Promise.all(Array.from({ length: 60 }, () => signedDelivery()));
    broken = deliveries[0]?.id;
    for (const [i, delivery] of deliveries.entries()) {
      const first = await post(receivers[i % 2]?.url ?? '', delivery);
      expect(first).toMatchObject({ status: 200, body: { ok: true } });
      const copy = await post(receivers[(i + 1) % 2]?.url ?? '', delivery);
      expect(copy).toMatchObject({ status: 200, body: { duplicate: true } });
    }
    await eventually(async () => {
      const stats = await inbox.stats();
      return stats.completed === 59 && stats.failed === 1 ? stats : undefined;
    }, '59 completed and 1 failed');
    // The store's keys are spread over the three masters; each queue's keys share one slot.
    const keysPerNode = await Promise.all(
      client
        .nodes('master')
        .map(async (node) => (await node.keys('composio-webhooks:msg_*')).length),
    );
    expect(keysPerNode.filter((count) => count > 0)).toHaveLength(3);
    expect([...runs.values()].filter((count) => count !== 1)).toEqual([2]);

    broken = undefined;
    await inbox.retry(deliveries[0]?.id ?? '');
    await eventually(
      async () => ((await inbox.stats()).completed === 60 ? true : undefined),
      'the retried dead letter',
    );
    expect(runs.get(deliveries[0]?.id ?? '')).toBe(3);
    await worker.close();
  });
});
