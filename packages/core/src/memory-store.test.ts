import { describe, expect, it } from 'vitest';
import { isWebhookError, WebhookConfigError } from './errors.js';
import {
  DEFAULT_COMPLETED_TTL_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ENTRIES,
  type IdempotencyClaim,
  type MemoryIdempotencyStoreOptions,
} from './idempotency.js';
import { MemoryIdempotencyStore } from './memory-store.js';

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

function token(claim: IdempotencyClaim): string {
  if (claim.status !== 'claimed') throw new Error(`expected a claim, got ${claim.status}`);
  return claim.token;
}

describe('MemoryIdempotencyStore', () => {
  it('has defaults that cover Composio retries: 60 s lease, 24 h memory of processed ids', () => {
    const store = new MemoryIdempotencyStore();
    expect(store.leaseMs).toBe(DEFAULT_LEASE_MS);
    expect(DEFAULT_LEASE_MS).toBe(60_000);
    expect(store.completedTtlMs).toBe(DEFAULT_COMPLETED_TTL_MS);
    expect(DEFAULT_COMPLETED_TTL_MS).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(store.maxEntries).toBe(DEFAULT_MAX_ENTRIES);
    expect(DEFAULT_MAX_ENTRIES).toBe(100_000);
  });

  it('claims once; a second claim is in flight; after complete it is completed', async () => {
    const store = new MemoryIdempotencyStore();
    const first = await store.claim('msg_1');
    expect(first.status).toBe('claimed');
    expect(await store.claim('msg_1')).toEqual({ status: 'in-flight' });
    await store.complete('msg_1', token(first));
    expect(await store.claim('msg_1')).toEqual({ status: 'completed' });
    expect((await store.claim('msg_2')).status).toBe('claimed');
  });

  it('release lets the next claim through (retry after a handler failure)', async () => {
    const store = new MemoryIdempotencyStore();
    const first = token(await store.claim('msg_1'));
    await store.release('msg_1', first);
    const second = await store.claim('msg_1');
    expect(second.status).toBe('claimed');
    expect(token(second)).not.toBe(first);
  });

  it('a lease expires, so a crashed holder does not block the id forever', async () => {
    const time = clock();
    const store = new MemoryIdempotencyStore({ leaseMs: 1_000, now: time.now });
    const crashed = token(await store.claim('msg_1'));
    time.advance(999);
    expect((await store.claim('msg_1')).status).toBe('in-flight');
    time.advance(1);
    const retry = await store.claim('msg_1');
    expect(retry.status).toBe('claimed');
    // The crashed holder comes back late: its token no longer owns the id.
    await store.complete('msg_1', crashed);
    await store.release('msg_1', crashed);
    expect((await store.claim('msg_1')).status).toBe('in-flight');
    await store.complete('msg_1', token(retry));
    expect((await store.claim('msg_1')).status).toBe('completed');
  });

  it('forgets completed ids after completedTtlMs', async () => {
    const time = clock();
    const store = new MemoryIdempotencyStore({ completedTtlMs: 5_000, now: time.now });
    await store.complete('msg_1', token(await store.claim('msg_1')));
    time.advance(4_999);
    expect((await store.claim('msg_1')).status).toBe('completed');
    time.advance(1);
    expect((await store.claim('msg_1')).status).toBe('claimed');
  });

  it('stays bounded by forgetting the oldest processed id first (a copy does not refresh it)', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 3, logger: false });
    for (const id of ['a', 'b', 'c']) await store.complete(id, token(await store.claim(id)));
    // A copy of "a" is answered from memory but does not make "a" younger.
    expect((await store.claim('a')).status).toBe('completed');
    await store.complete('d', token(await store.claim('d')));
    expect(store.size).toBe(3);
    expect((await store.claim('b')).status).toBe('completed');
    expect((await store.claim('c')).status).toBe('completed');
    expect((await store.claim('d')).status).toBe('completed');
    expect((await store.claim('a')).status).toBe('claimed');
    expect(store.size).toBe(3);
  });

  it('never evicts a claim in flight, however many ids arrive: a copy still gets in-flight', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 100, logger: false });
    const first = token(await store.claim('msg_first'));
    for (let i = 0; i < 20_000; i++) {
      await store.complete(`msg_${i}`, token(await store.claim(`msg_${i}`)));
    }
    expect(store.size).toBe(100);
    expect(await store.claim('msg_first')).toEqual({ status: 'in-flight' });
    await store.complete('msg_first', first);
    expect(await store.claim('msg_first')).toEqual({ status: 'completed' });
    // The oldest processed ids were forgotten, the newest are remembered.
    expect((await store.claim('msg_19999')).status).toBe('completed');
    expect((await store.claim('msg_0')).status).toBe('claimed');
  });

  it('answers STORE_UNAVAILABLE (503) when every held id is in flight, and recovers', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 3, logger: false });
    const tokens: string[] = [];
    for (const id of ['a', 'b', 'c']) tokens.push(token(await store.claim(id)));
    const refused = await store.claim('d').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isWebhookError(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
    expect((refused as Error).message).toMatch(/full.*maxEntries/);
    // The claims in flight are untouched: copies still get in-flight.
    for (const id of ['a', 'b', 'c']) expect((await store.claim(id)).status).toBe('in-flight');
    // Once one settles, the oldest processed id makes room for the new one.
    await store.complete('a', tokens[0] as string);
    expect((await store.claim('d')).status).toBe('claimed');
    // "a" was forgotten to make that room, and "b", "c", "d" are in flight again.
    await expect(store.claim('a')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.release('b', tokens[1] as string);
    expect((await store.claim('a')).status).toBe('claimed');
  });

  it('sweeps lapsed leases when only claims in flight are held', async () => {
    const time = clock();
    const store = new MemoryIdempotencyStore({
      maxEntries: 2,
      leaseMs: 1_000,
      now: time.now,
      logger: false,
    });
    await store.claim('a');
    time.advance(500);
    const b = token(await store.claim('b'));
    await expect(store.claim('c')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    time.advance(500); // "a" lapsed unrenewed; "b" has 500 ms left
    expect((await store.claim('c')).status).toBe('claimed');
    expect((await store.claim('b')).status).toBe('in-flight');
    expect(await store.renew('b', b)).toBe(true);
  });

  it('warns, at most once a minute, when it forgets ids younger than completedTtlMs', async () => {
    const time = clock();
    const warnings: string[] = [];
    const store = new MemoryIdempotencyStore({
      maxEntries: 2,
      completedTtlMs: 600_000,
      now: time.now,
      logger: { warn: (text) => warnings.push(text) },
    });
    const settle = async (id: string) => store.complete(id, token(await store.claim(id)));
    await settle('a');
    await settle('b');
    expect(warnings).toEqual([]);
    await settle('c'); // forgets "a", 0 ms old
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/forgot 1 processed id younger than completedTtlMs \(600000 ms\)/);
    expect(warnings[0]).toMatch(/maxEntries \(2\)/);
    expect(warnings[0]).toMatch(/RedisIdempotencyStore from @composio-webhooks\/redis/);
    for (const id of ['d', 'e', 'f']) await settle(id);
    expect(warnings).toHaveLength(1);
    time.advance(60_000);
    await settle('g');
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/forgot 4 processed ids/);
  });

  it('does not warn when the forgotten ids were past completedTtlMs anyway', async () => {
    const time = clock();
    const warnings: string[] = [];
    const store = new MemoryIdempotencyStore({
      maxEntries: 2,
      completedTtlMs: 1_000,
      now: time.now,
      logger: { warn: (text) => warnings.push(text) },
    });
    for (const id of ['a', 'b']) await store.complete(id, token(await store.claim(id)));
    time.advance(1_000);
    for (const id of ['c', 'd']) await store.complete(id, token(await store.claim(id)));
    expect(warnings).toEqual([]);
    expect(store.size).toBe(2);
  });

  it('remembers the last maxEntries ids or completedTtlMs, whichever ends first', async () => {
    const time = clock();
    const store = new MemoryIdempotencyStore({
      maxEntries: 1_000,
      completedTtlMs: 10_000,
      now: time.now,
      logger: false,
    });
    for (let i = 0; i < 1_000; i++) {
      await store.complete(`msg_${i}`, token(await store.claim(`msg_${i}`)));
      time.advance(5);
    }
    // 1 000 ids over 5 s: all within both bounds.
    expect((await store.claim('msg_0')).status).toBe('completed');
    // 5 s later the TTL has ended for the older half, not for the newer.
    time.advance(5_000);
    expect((await store.claim('msg_0')).status).toBe('claimed');
    expect((await store.claim('msg_999')).status).toBe('completed');
    expect(store.size).toBeLessThanOrEqual(1_000);
  });

  it('renews a lease only for the current holder, and not once it lapsed', async () => {
    const time = clock();
    const store = new MemoryIdempotencyStore({ leaseMs: 1_000, now: time.now });
    const held = token(await store.claim('msg_1'));
    expect(await store.renew('msg_1', 'not-the-token')).toBe(false);
    expect(await store.renew('msg_unknown', held)).toBe(false);
    // Renewed every leaseMs / 3, the claim outlives many leases.
    for (let i = 0; i < 30; i++) {
      time.advance(333);
      expect(await store.renew('msg_1', held)).toBe(true);
      expect((await store.claim('msg_1')).status).toBe('in-flight');
    }
    time.advance(999);
    expect((await store.claim('msg_1')).status).toBe('in-flight');
    time.advance(1);
    expect(await store.renew('msg_1', held)).toBe(false);
    const next = token(await store.claim('msg_1'));
    expect(await store.renew('msg_1', held)).toBe(false);
    expect(await store.renew('msg_1', next)).toBe(true);
    await store.complete('msg_1', next);
    expect(await store.renew('msg_1', next)).toBe(false);
    expect((await store.claim('msg_1')).status).toBe('completed');
  });

  it('a renewed claim survives a flood that fills the store many times over', async () => {
    const time = clock();
    const store = new MemoryIdempotencyStore({
      maxEntries: 50,
      leaseMs: 1_000,
      now: time.now,
      logger: false,
    });
    const held = token(await store.claim('msg_slow'));
    for (let i = 0; i < 5_000; i++) {
      if (i % 100 === 0) {
        time.advance(300);
        expect(await store.renew('msg_slow', held)).toBe(true);
      }
      await store.complete(`msg_${i}`, token(await store.claim(`msg_${i}`)));
    }
    expect((await store.claim('msg_slow')).status).toBe('in-flight');
  });

  it('completes or releases only with the token, once', async () => {
    const store = new MemoryIdempotencyStore();
    const held = token(await store.claim('msg_1'));
    await store.release('msg_1', 'other');
    await store.complete('msg_1', 'other');
    expect((await store.claim('msg_1')).status).toBe('in-flight');
    await store.complete('msg_1', held);
    await store.complete('msg_1', held);
    await store.release('msg_1', held);
    expect((await store.claim('msg_1')).status).toBe('completed');
    expect(store.size).toBe(1);
  });

  it('holds at most maxEntries under a flood of distinct ids', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 100, logger: false });
    for (let i = 0; i < 5_000; i++) {
      await store.complete(`msg_${i}`, token(await store.claim(`msg_${i}`)));
    }
    expect(store.size).toBe(100);
    expect((await store.claim('msg_4999')).status).toBe('completed');
    expect((await store.claim('msg_0')).status).toBe('claimed');
  });

  it('sets no timers (never keeps the process alive)', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const store = new MemoryIdempotencyStore({ leaseMs: 10, completedTtlMs: 10 });
    for (let i = 0; i < 50; i++) await store.complete(`m${i}`, token(await store.claim(`m${i}`)));
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBe(before);
  });

  it('clear forgets everything', async () => {
    const store = new MemoryIdempotencyStore();
    await store.complete('x', token(await store.claim('x')));
    store.clear();
    expect(store.size).toBe(0);
    expect((await store.claim('x')).status).toBe('claimed');
  });

  it.each<[unknown, RegExp]>([
    [{ leaseMs: 0 }, /leaseMs must be a positive number/],
    [{ leaseMs: -1 }, /leaseMs/],
    [{ completedTtlMs: Number.NaN }, /completedTtlMs/],
    [{ maxEntries: 0 }, /maxEntries must be a positive integer/],
    [{ maxEntries: 1.5 }, /maxEntries/],
    [{ logger: {} }, /logger must have a warn\(message\) method/],
    [{ logger: null }, /logger/],
  ])('rejects bad options at construction: %j', (options, pattern) => {
    // Options as plain JavaScript callers may pass them, wrong types included.
    const make = () => new MemoryIdempotencyStore(options as MemoryIdempotencyStoreOptions);
    expect(make).toThrow(WebhookConfigError);
    expect(make).toThrow(pattern);
  });
});
