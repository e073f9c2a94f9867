import { describe, expect, it } from 'vitest';
import { WebhookConfigError } from './errors.js';
import {
  DEFAULT_COMPLETED_TTL_MS,
  DEFAULT_LEASE_MS,
  type IdempotencyClaim,
  MemoryIdempotencyStore,
} from './idempotency.js';

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
    expect(store.maxEntries).toBe(10_000);
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

  it('stays bounded, evicting the least recently used id first', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) await store.complete(id, token(await store.claim(id)));
    // Touch "a": "b" becomes the least recently used.
    expect((await store.claim('a')).status).toBe('completed');
    await store.complete('d', token(await store.claim('d')));
    expect(store.size).toBe(3);
    expect((await store.claim('a')).status).toBe('completed');
    expect((await store.claim('c')).status).toBe('completed');
    expect((await store.claim('d')).status).toBe('completed');
    expect((await store.claim('b')).status).toBe('claimed');
    expect(store.size).toBe(3);
  });

  it('holds at most maxEntries under a flood of distinct ids', async () => {
    const store = new MemoryIdempotencyStore({ maxEntries: 100 });
    for (let i = 0; i < 5_000; i++) await store.claim(`msg_${i}`);
    expect(store.size).toBe(100);
    expect((await store.claim('msg_4999')).status).toBe('in-flight');
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

  it.each([
    [{ leaseMs: 0 }, /leaseMs must be a positive number/],
    [{ leaseMs: -1 }, /leaseMs/],
    [{ completedTtlMs: Number.NaN }, /completedTtlMs/],
    [{ maxEntries: 0 }, /maxEntries must be a positive integer/],
    [{ maxEntries: 1.5 }, /maxEntries/],
  ])('rejects bad options at construction: %j', (options, pattern) => {
    expect(() => new MemoryIdempotencyStore(options)).toThrow(WebhookConfigError);
    expect(() => new MemoryIdempotencyStore(options)).toThrow(pattern);
  });
});
