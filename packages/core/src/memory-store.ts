/**
 * `MemoryIdempotencyStore`: the default store, for a single server instance (see the class).
 */
import { message, WebhookConfigError, WebhookError } from './errors.js';
import {
  DEFAULT_MAX_ENTRIES,
  type IdempotencyClaim,
  type IdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  resolveTimings,
} from './idempotency.js';
import type { WebhookLogger } from './logger.js';

/** How often a `MemoryIdempotencyStore` may warn about early evictions: once a minute. */
const EARLY_EVICTION_WARNING_INTERVAL_MS = 60_000;

/**
 * An in-process store: right for a single server instance. It remembers the last `maxEntries`
 * processed ids or each for `completedTtlMs`, whichever ends first, and never forgets a claim in
 * flight: a claim lives until `complete`/`release`, or until its lease lapses without `renew`.
 *
 * Every call is O(1) and allocates nothing that outlives it: each held id has a slot in a few
 * flat arrays (id, token, expiry), a `Map` finds an id's slot, and processed slots wait in a ring
 * in completion order, which is expiry order, so forgetting the oldest never walks the `Map`.
 * No timers: it never keeps the process alive. For several instances use
 * `RedisIdempotencyStore` from `@composio-webhooks/redis`.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly leaseMs: number;
  readonly completedTtlMs: number;
  readonly maxEntries: number;
  private readonly now: () => number;
  private readonly logger: Pick<WebhookLogger, 'warn'> | false;
  /** Held id → its slot. */
  private readonly slots = new Map<string, number>();
  /** Per slot: the id, the claim's token (`undefined` once processed), the end of its lease or TTL. */
  private readonly ids: (string | undefined)[] = [];
  private readonly tokens: (string | undefined)[] = [];
  private readonly expires: number[] = [];
  /** Slots given back, reused before new ones. */
  private readonly free: number[] = [];
  /** Processed slots, oldest first: a ring of `maxEntries` positions, `count` of them from `head`. */
  private readonly ring: number[] = [];
  private head = 0;
  private count = 0;
  /** No lease of a claim in flight ends before this, so sweeping for lapsed ones is pointless. */
  private noLapseBefore = Number.NEGATIVE_INFINITY;
  private sequence = 0;
  private warnedAt = Number.NEGATIVE_INFINITY;
  private earlyEvictions = 0;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const timings = resolveTimings(options, 'MemoryIdempotencyStore');
    this.leaseMs = timings.leaseMs;
    this.completedTtlMs = timings.completedTtlMs;
    const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 1) {
      throw new WebhookConfigError(
        message(
          `MemoryIdempotencyStore maxEntries must be a positive integer, got ${String(max)}.`,
        ),
      );
    }
    const logger = options.logger === undefined ? console : options.logger;
    if (logger !== false && (logger === null || typeof logger?.warn !== 'function')) {
      throw new WebhookConfigError(
        message(
          'MemoryIdempotencyStore logger must have a warn(message) method (e.g. console), or be false for silence.',
        ),
      );
    }
    this.maxEntries = max;
    this.logger = logger;
    this.now = options.now ?? Date.now;
  }

  /** Ids currently held: claims in flight and processed ids (lapsed ones not yet swept included). */
  get size(): number {
    return this.slots.size;
  }

  claim(id: string): Promise<IdempotencyClaim> {
    const now = this.now();
    this.forgetExpired(now);
    const held = this.slots.get(id);
    const token = `m${++this.sequence}`; // unique within this store, all a token must be here
    if (held !== undefined) {
      if ((this.expires[held] as number) > now) {
        return this.tokens[held] === undefined ? COMPLETED : IN_FLIGHT;
      }
      if (this.tokens[held] !== undefined) {
        // A lease that lapsed without renewal: the holder is gone, the next copy takes over.
        this.tokens[held] = token;
        this.expires[held] = now + this.leaseMs;
        return Promise.resolve({ status: 'claimed', token });
      }
      // Processed and expired, but not yet at the ring's head (the clock went back): its slot
      // leaves with the ring; the id gets a new one.
      this.slots.delete(id);
    }
    if (this.slots.size >= this.maxEntries && !this.makeRoom(now)) {
      return Promise.reject(this.fullError(id));
    }
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.ids.length;
    this.ids[slot] = id;
    this.tokens[slot] = token;
    this.expires[slot] = now + this.leaseMs;
    this.slots.set(id, slot);
    return Promise.resolve({ status: 'claimed', token });
  }

  complete(id: string, token: string): Promise<void> {
    const slot = this.owned(id, token);
    // Also after the lease lapsed, as long as nobody claimed the id since: the handlers succeeded.
    if (slot !== undefined) {
      this.tokens[slot] = undefined;
      this.expires[slot] = this.now() + this.completedTtlMs;
      const position = (this.head + this.count) % this.maxEntries;
      if (position === this.ring.length) this.ring.push(slot);
      else this.ring[position] = slot;
      this.count++;
    }
    return DONE;
  }

  release(id: string, token: string): Promise<void> {
    const slot = this.owned(id, token);
    if (slot !== undefined) {
      this.slots.delete(id);
      this.freeSlot(slot);
    }
    return DONE;
  }

  renew(id: string, token: string): Promise<boolean> {
    const slot = this.owned(id, token);
    const now = this.now();
    if (slot === undefined || (this.expires[slot] as number) <= now) return RENEW_REFUSED;
    this.expires[slot] = now + this.leaseMs;
    return RENEWED;
  }

  /** Forgets every id. */
  clear(): void {
    this.slots.clear();
    for (const list of [this.ids, this.tokens, this.expires, this.free, this.ring]) {
      list.length = 0;
    }
    this.head = 0;
    this.count = 0;
    this.noLapseBefore = Number.NEGATIVE_INFINITY;
  }

  /** The slot of `id` while `token` is its claim in flight. */
  private owned(id: string, token: string): number | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    const current = this.tokens[slot];
    return current !== undefined && current === token ? slot : undefined;
  }

  private freeSlot(slot: number): void {
    this.ids[slot] = undefined;
    this.tokens[slot] = undefined;
    this.free.push(slot);
  }

  /**
   * Takes the oldest processed slot off the ring and frees it; forgets its id unless the id was
   * claimed again meanwhile. Returns true when that id was still remembered.
   */
  private shift(): { forgot: boolean; expiresAt: number } {
    const slot = this.ring[this.head] as number;
    this.head = (this.head + 1) % this.maxEntries;
    this.count--;
    const id = this.ids[slot] as string;
    const forgot = this.slots.get(id) === slot;
    if (forgot) this.slots.delete(id);
    const expiresAt = this.expires[slot] as number;
    this.freeSlot(slot);
    return { forgot, expiresAt };
  }

  /** Forgets processed ids past `completedTtlMs`: they are the oldest, at the ring's head. */
  private forgetExpired(now: number): void {
    while (this.count > 0 && (this.expires[this.ring[this.head] as number] as number) <= now) {
      this.shift();
    }
  }

  /** Frees a slot for a new claim: the oldest processed id's, else those of lapsed leases. */
  private makeRoom(now: number): boolean {
    while (this.count > 0) {
      const { forgot, expiresAt } = this.shift();
      if (forgot) {
        if (expiresAt > now) this.warnEarlyEviction(now);
        return true;
      }
    }
    return this.sweepLapsedLeases(now);
  }

  /**
   * Only claims in flight are held: drop those whose lease lapsed without renewal. One pass at
   * most once per earliest lapse, since leases only move later.
   */
  private sweepLapsedLeases(now: number): boolean {
    if (now < this.noLapseBefore) return false;
    let freed = false;
    let earliest = Number.POSITIVE_INFINITY;
    this.slots.forEach((slot, id) => {
      const expiresAt = this.expires[slot] as number;
      if (expiresAt <= now) {
        this.slots.delete(id);
        this.freeSlot(slot);
        freed = true;
      } else if (expiresAt < earliest) {
        earliest = expiresAt;
      }
    });
    this.noLapseBefore = earliest;
    return freed;
  }

  private warnEarlyEviction(now: number): void {
    this.earlyEvictions++;
    if (this.logger === false || now - this.warnedAt < EARLY_EVICTION_WARNING_INTERVAL_MS) return;
    const forgotten = this.earlyEvictions;
    this.earlyEvictions = 0;
    this.warnedAt = now;
    this.logger.warn(
      message(
        `MemoryIdempotencyStore forgot ${forgotten} processed id${forgotten === 1 ? '' : 's'} younger than completedTtlMs (${this.completedTtlMs} ms) to stay within maxEntries (${this.maxEntries}): a Composio retry of ${forgotten === 1 ? 'it' : 'one of them'} would run its handlers again. Raise maxEntries, or use RedisIdempotencyStore from @composio-webhooks/redis, which remembers every id for completedTtlMs.`,
      ),
    );
  }

  private fullError(id: string): WebhookError {
    return new WebhookError(
      'STORE_UNAVAILABLE',
      message(
        `MemoryIdempotencyStore is full: all ${this.maxEntries} held ids are deliveries still being processed, so ${id} cannot be claimed without forgetting one of them; answering 503 so Composio retries. Raise maxEntries if you really run that many handlers at once.`,
      ),
    );
  }
}

const COMPLETED: Promise<IdempotencyClaim> = Promise.resolve(
  Object.freeze({ status: 'completed' }),
);
const IN_FLIGHT: Promise<IdempotencyClaim> = Promise.resolve(
  Object.freeze({ status: 'in-flight' }),
);
const DONE: Promise<void> = Promise.resolve();
const RENEWED: Promise<boolean> = Promise.resolve(true);
const RENEW_REFUSED: Promise<boolean> = Promise.resolve(false);
