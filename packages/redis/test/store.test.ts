/** The claim protocol against a real Redis, on both ioredis majors. */

import type { IdempotencyClaim } from '@composio-webhooks/core';
import { Cluster as Cluster5, Redis as Redis5 } from 'ioredis';
import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis6';
import { afterAll, describe, expect, expectTypeOf, inject, it } from 'vitest';
import { type RedisClientLike, RedisIdempotencyStore } from '../src/index.js';
import {
  closeClients,
  createClient,
  IOREDIS_MAJORS,
  removeTestKeys,
  uniquePrefix,
} from './helpers/clients.js';

const url = inject('redisUrl');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tokenOf(claim: IdempotencyClaim): string {
  if (claim.status !== 'claimed') throw new Error(`expected a claim, got ${claim.status}`);
  return claim.token;
}

afterAll(async () => {
  closeClients();
  await removeTestKeys(url);
});

it('types Redis and Cluster clients of both majors as store clients', () => {
  expectTypeOf<Redis5>().toExtend<RedisClientLike>();
  expectTypeOf<Cluster5>().toExtend<RedisClientLike>();
  expectTypeOf<Redis6>().toExtend<RedisClientLike>();
  expectTypeOf<Cluster6>().toExtend<RedisClientLike>();
  expectTypeOf<{ get(key: string): Promise<string> }>().not.toExtend<RedisClientLike>();
});

it('accepts ioredis 5 and 6 clients as they are typed', async () => {
  const five = new Redis5(url);
  const six = new Redis6(url);
  try {
    for (const client of [five, six]) {
      const store = new RedisIdempotencyStore({ client, prefix: uniquePrefix('types') });
      expect((await store.claim('msg_types')).status).toBe('claimed');
    }
  } finally {
    five.disconnect();
    six.disconnect();
  }
});

describe.each(IOREDIS_MAJORS)('RedisIdempotencyStore on ioredis %i', (major) => {
  const { client, errors } = createClient(url, major);
  const store = (options: { leaseMs?: number; completedTtlMs?: number; prefix?: string } = {}) =>
    new RedisIdempotencyStore({ client, prefix: uniquePrefix(`store${major}`), ...options });

  it('claims a new id with a lease, then reports it in flight', async () => {
    const s = store({ leaseMs: 5_000 });
    const token = tokenOf(await s.claim('msg_1'));
    expect(await client.get(s.key('msg_1'))).toBe(token);
    const ttl = await client.pttl(s.key('msg_1'));
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
    expect(errors).toEqual([]);
  });

  it('completes with the long TTL; later claims see it completed', async () => {
    const s = store({ leaseMs: 5_000, completedTtlMs: 3_600_000 });
    const token = tokenOf(await s.claim('msg_1'));
    await s.complete('msg_1', token);
    expect(await client.get(s.key('msg_1'))).toBe('completed');
    expect(await client.pttl(s.key('msg_1'))).toBeGreaterThan(3_500_000);
    expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
    expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
  });

  it('release frees the id for the retry', async () => {
    const s = store();
    const first = tokenOf(await s.claim('msg_1'));
    await s.release('msg_1', first);
    expect(await client.get(s.key('msg_1'))).toBeNull();
    const second = tokenOf(await s.claim('msg_1'));
    expect(second).not.toBe(first);
  });

  it('a lease expires, so a crashed claim does not block the id forever', async () => {
    const s = store({ leaseMs: 150 });
    tokenOf(await s.claim('msg_1'));
    expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
    await sleep(250);
    tokenOf(await s.claim('msg_1'));
  });

  it('a slow instance can neither complete nor release the claim another one holds now', async () => {
    const s = store({ leaseMs: 150 });
    const slow = tokenOf(await s.claim('msg_1'));
    await sleep(250); // the slow instance's lease lapses
    const fresh = tokenOf(await s.claim('msg_1'));
    await s.complete('msg_1', slow);
    expect(await client.get(s.key('msg_1'))).toBe(fresh);
    await s.release('msg_1', slow);
    expect(await client.get(s.key('msg_1'))).toBe(fresh);
    expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
    await s.complete('msg_1', fresh);
    expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
    // Nor can anyone release a completed id.
    await s.release('msg_1', fresh);
    expect(await client.get(s.key('msg_1'))).toBe('completed');
  });

  it('records a success whose lease lapsed unclaimed, so nobody runs it again', async () => {
    const s = store({ leaseMs: 100 });
    const token = tokenOf(await s.claim('msg_1'));
    await sleep(180);
    expect(await client.get(s.key('msg_1'))).toBeNull();
    await s.complete('msg_1', token);
    expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
  });

  it('renews a lease it holds, so a claim outlives leaseMs while its handler runs', async () => {
    const s = store({ leaseMs: 300 });
    const token = tokenOf(await s.claim('msg_1'));
    for (let i = 0; i < 6; i++) {
      await sleep(100); // leaseMs / 3
      expect(await s.renew('msg_1', token)).toBe(true);
      const ttl = await client.pttl(s.key('msg_1'));
      expect(ttl).toBeGreaterThan(200);
      expect(ttl).toBeLessThanOrEqual(300);
    }
    // 600 ms after the claim, twice its lease: still held.
    expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
    expect(await client.get(s.key('msg_1'))).toBe(token);
    await s.complete('msg_1', token);
    expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
  });

  it('refuses to renew a claim that is no longer the caller’s', async () => {
    const s = store({ leaseMs: 150, completedTtlMs: 60_000 });
    expect(await s.renew('msg_unknown', 'token')).toBe(false);
    const slow = tokenOf(await s.claim('msg_1'));
    expect(await s.renew('msg_1', 'another-token')).toBe(false);
    await sleep(250); // lapsed: never revived
    expect(await s.renew('msg_1', slow)).toBe(false);
    expect(await client.get(s.key('msg_1'))).toBeNull();
    const fresh = tokenOf(await s.claim('msg_1'));
    expect(await s.renew('msg_1', slow)).toBe(false);
    expect(await client.get(s.key('msg_1'))).toBe(fresh);
    await s.complete('msg_1', fresh);
    expect(await s.renew('msg_1', fresh)).toBe(false);
    const ttl = await client.pttl(s.key('msg_1'));
    expect(ttl).toBeGreaterThan(50_000); // the completed TTL, untouched
    const released = tokenOf(await s.claim('msg_2'));
    await s.release('msg_2', released);
    expect(await s.renew('msg_2', released)).toBe(false);
    expect(await client.get(s.key('msg_2'))).toBeNull();
  });

  it('forgets a completed id after completedTtlMs', async () => {
    const s = store({ completedTtlMs: 150 });
    await s.complete('msg_1', tokenOf(await s.claim('msg_1')));
    expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
    await sleep(250);
    tokenOf(await s.claim('msg_1'));
  });

  it('keeps every key under its prefix and ids apart', async () => {
    const prefix = uniquePrefix(`prefix${major}`);
    const s = store({ prefix });
    await s.complete('msg_a', tokenOf(await s.claim('msg_a')));
    tokenOf(await s.claim('msg_b'));
    expect((await client.keys(`${prefix}*`)).sort()).toEqual([`${prefix}msg_a`, `${prefix}msg_b`]);
    // Another prefix is another namespace.
    tokenOf(await store().claim('msg_a'));
  });

  it('gives one claim to 100 concurrent callers on two connections', async () => {
    const other = createClient(url, major).client;
    const prefix = uniquePrefix(`race${major}`);
    const stores = [
      new RedisIdempotencyStore({ client, prefix }),
      new RedisIdempotencyStore({ client: other, prefix }),
    ];
    const claims = await Promise.all(
      Array.from({ length: 100 }, (_, i) => stores[i % 2]?.claim('msg_race')),
    );
    const statuses = claims.map((c) => c?.status);
    expect(statuses.filter((s) => s === 'claimed')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'in-flight')).toHaveLength(99);
  });

  it('reloads its scripts after SCRIPT FLUSH (EVALSHA → NOSCRIPT → EVAL)', async () => {
    const s = store();
    tokenOf(await s.claim('msg_1'));
    await client.script('FLUSH');
    expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
    const token = tokenOf(await s.claim('msg_2'));
    await s.complete('msg_2', token);
    expect(await s.claim('msg_2')).toEqual({ status: 'completed' });
  });

  it("writes under the client's own keyPrefix too", async () => {
    const keyPrefix = uniquePrefix(`keyPrefix${major}`);
    const prefixed = createClient(url, major, { keyPrefix });
    const s = new RedisIdempotencyStore({ client: prefixed.client, prefix: 'store:' });
    await s.complete('msg_1', tokenOf(await s.claim('msg_1')));
    expect(await client.get(`${keyPrefix}store:msg_1`)).toBe('completed');
  });

  it('connects a lazyConnect client on first use', async () => {
    const lazy = createClient(url, major, { lazyConnect: true });
    expect(lazy.client.status).toBe('wait');
    const s = new RedisIdempotencyStore({ client: lazy.client, prefix: uniquePrefix('lazy') });
    tokenOf(await s.claim('msg_1'));
    expect(lazy.client.status).toBe('ready');
  });

  it('rejects at once, without hanging, once the client was quit', async () => {
    const closing = createClient(url, major);
    await closing.client.ping();
    await closing.client.quit();
    const s = new RedisIdempotencyStore({ client: closing.client, timeoutMs: 10_000 });
    const started = Date.now();
    await expect(s.claim('msg_1')).rejects.toMatchObject({ failure: 'closed' });
    expect(Date.now() - started).toBeLessThan(100);
  });
});
