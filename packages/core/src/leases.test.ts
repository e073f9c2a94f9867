/**
 * Claims stay held until their handlers settle, whatever `leaseMs` and `handlerTimeoutMs` are
 * (the testing kit's suite, on the memory store); what a store without `renew` cannot honour is
 * refused at start-up.
 */
import { describe, expect, it } from 'vitest';
import { type IdempotencyStore } from './idempotency.js';
import { MemoryIdempotencyStore } from './memory-store.js';
import { createWebhookReceiver } from './receiver.js';
import { createWebhookRouter } from './router.js';
import { configErrorOf, describeClaimRenewal } from './testing.js';

describeClaimRenewal(
  {
    name: 'MemoryIdempotencyStore',
    store: (leaseMs) => new MemoryIdempotencyStore(leaseMs === undefined ? {} : { leaseMs }),
  },
  { describe, it },
);

/** A store that cannot renew: its claims last `leaseMs`, whatever the handler does. */
function storeWithoutRenew(leaseMs?: number): IdempotencyStore {
  const inner = new MemoryIdempotencyStore(leaseMs === undefined ? {} : { leaseMs });
  return {
    claim: (id) => inner.claim(id),
    complete: (id, token) => inner.complete(id, token),
    release: (id, token) => inner.release(id, token),
    ...(leaseMs !== undefined && { leaseMs }),
  };
}

const receiverWith = (idempotency: IdempotencyStore, handlerTimeoutMs?: number | false) =>
  createWebhookReceiver({
    secret: 'leases-test-secret',
    router: createWebhookRouter(),
    idempotency,
    logger: false,
    ...(handlerTimeoutMs !== undefined && { handlerTimeoutMs }),
  });

describe('a store without renew(): what cannot be honoured is refused at start-up', () => {
  it('the default handlerTimeoutMs (10 s) with a 5 s lease: INVALID_CONFIG saying what to change', () => {
    const error = configErrorOf(() => receiverWith(storeWithoutRenew(5_000)));
    expect(error.message).toContain('handlerTimeoutMs (10000 ms, the default)');
    expect(error.message).toContain('leaseMs (5000 ms)');
    expect(error.message).toContain('renew(id, token)');
    expect(error.message).toContain('set handlerTimeoutMs below 5000 ms');
  });

  it('an explicit handlerTimeoutMs not shorter than the lease: INVALID_CONFIG', () => {
    const error = configErrorOf(() => receiverWith(storeWithoutRenew(5_000), 5_000));
    expect(error.message).toContain('handlerTimeoutMs (5000 ms)');
  });

  it('handlerTimeoutMs: false: INVALID_CONFIG (handlers without limit would outlive the lease)', () => {
    const error = configErrorOf(() => receiverWith(storeWithoutRenew(5_000), false));
    expect(error.message).toContain('handlerTimeoutMs: false');
  });

  it('a handlerTimeoutMs shorter than the lease is accepted; so is a store that does not say its lease', () => {
    expect(() => receiverWith(storeWithoutRenew(5_000), 1_000)).not.toThrow();
    expect(() => receiverWith(storeWithoutRenew(), false)).not.toThrow();
  });

  it('a store with renew() takes every combination', () => {
    for (const timeout of [undefined, 100, 60_000, false] as const) {
      expect(() =>
        receiverWith(new MemoryIdempotencyStore({ leaseMs: 1_000 }), timeout),
      ).not.toThrow();
    }
  });
});
