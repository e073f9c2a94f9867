/**
 * The store on a three-master Redis Cluster started here: each claim/complete/release touches
 * one key, so ids spread over every master (or share one slot with a hash-tagged prefix) and
 * the protocol holds either way.
 */

import { RedisCluster } from '@composio-webhooks/test-redis';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisIdempotencyStore } from '../src/index.js';

let cluster: RedisCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await RedisCluster.start(3);
  client = new Cluster(cluster.startupNodes);
}, 60_000);

afterAll(async () => {
  client.disconnect();
  await cluster.stop();
});

async function keysPerMaster(pattern: string): Promise<number[]> {
  return Promise.all(client.nodes('master').map(async (node) => (await node.keys(pattern)).length));
}

describe('RedisIdempotencyStore on Redis Cluster', () => {
  it.each([
    ['the default prefix: ids spread over the masters', 'composio-webhooks:', 3],
    ['a hash-tagged prefix: every id in one slot', '{composio-webhooks}:', 1],
  ])('%s', async (_label, prefix, masters) => {
    const store = new RedisIdempotencyStore({ client, prefix });
    const other = new RedisIdempotencyStore({ client, prefix });
    const ids = Array.from({ length: 90 }, () => `msg_${globalThis.crypto.randomUUID()}`);
    const claims = await Promise.all(ids.map((id) => store.claim(id)));
    expect(claims.every((claim) => claim.status === 'claimed')).toBe(true);
    // Another instance sees them in flight, then processed once completed.
    expect((await Promise.all(ids.map((id) => other.claim(id)))).map((c) => c.status)).toEqual(
      ids.map(() => 'in-flight'),
    );
    await Promise.all(
      ids.map((id, i) => {
        const claim = claims[i];
        return claim?.status === 'claimed' ? store.complete(id, claim.token) : undefined;
      }),
    );
    expect((await Promise.all(ids.map((id) => other.claim(id)))).map((c) => c.status)).toEqual(
      ids.map(() => 'completed'),
    );
    const spread = await keysPerMaster(`${prefix.replace(/[{}]/g, '?')}msg_*`);
    expect(spread.filter((count) => count > 0)).toHaveLength(masters);
    expect(spread.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(ids.length);

    // A released claim is free for the next instance, on whichever master it lives.
    const id = ids[0] ?? '';
    const fresh = `${id}-release`;
    const claim = await store.claim(fresh);
    if (claim.status !== 'claimed') throw new Error('claim');
    await store.release(fresh, claim.token);
    expect((await other.claim(fresh)).status).toBe('claimed');
  });
});
