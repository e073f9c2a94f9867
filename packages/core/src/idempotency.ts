/**
 * Dedupe on `webhook-id`, which Composio keeps stable across retries.
 *
 * Protocol: `claim` before handlers run (a lease that expires, so a crashed process cannot
 * block an id forever); `complete` after success (remembered long enough to cover Composio's
 * retries); `release` after a failure (so the retry is processed). `complete` and `release`
 * take the token of the claim: a slow instance whose lease expired cannot touch the claim
 * another instance holds now.
 */
import { message, WebhookConfigError } from './errors.js';

export type IdempotencyClaim =
  /** This caller owns the id now: run the handlers, then `complete` or `release`. */
  | { status: 'claimed'; token: string }
  /** Already processed: answer 200 without running handlers. */
  | { status: 'completed' }
  /** Another caller holds an unexpired lease: answer 409 so Composio retries later. */
  | { status: 'in-flight' };

export interface IdempotencyStore {
  claim(id: string): Promise<IdempotencyClaim>;
  complete(id: string, token: string): Promise<void>;
  release(id: string, token: string): Promise<void>;
  /**
   * Extends a live claim by another lease (handlers running past `handlerTimeoutMs`). Resolves
   * `false` when the claim is no longer this token's. Stores without it cannot hold a claim
   * beyond its lease.
   */
  renew?(id: string, token: string): Promise<boolean>;
  /** The lease of a claim in ms, when the store knows it (the receiver renews at a third of it). */
  readonly leaseMs?: number;
}

/** How long a claim protects an id while handlers run: 60 s. */
export const DEFAULT_LEASE_MS = 60_000;
/** How long a processed id is remembered: 24 h, beyond Composio's retry window. */
export const DEFAULT_COMPLETED_TTL_MS = 24 * 60 * 60 * 1000;
/** Entries a `MemoryIdempotencyStore` keeps before evicting the least recently used. */
export const DEFAULT_MAX_ENTRIES = 10_000;

export interface IdempotencyTimings {
  /** Lease of a claim in ms (default 60 s). Make it longer than your slowest handler. */
  leaseMs?: number;
  /** How long completed ids are remembered in ms (default 24 h). */
  completedTtlMs?: number;
}

export interface MemoryIdempotencyStoreOptions extends IdempotencyTimings {
  /** Bound on remembered ids (default 10 000); the least recently used is evicted first. */
  maxEntries?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

interface Entry {
  token: string | undefined; // undefined once completed
  expiresAt: number;
}

/** Checks shared by every store: positive finite durations, with the defaults above. */
export function resolveTimings(
  options: IdempotencyTimings,
  owner: string,
): { leaseMs: number; completedTtlMs: number } {
  const leaseMs = positive(options.leaseMs, DEFAULT_LEASE_MS, `${owner} leaseMs`);
  const completedTtlMs = positive(
    options.completedTtlMs,
    DEFAULT_COMPLETED_TTL_MS,
    `${owner} completedTtlMs`,
  );
  return { leaseMs, completedTtlMs };
}

function positive(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new WebhookConfigError(
      message(`${name} must be a positive number of milliseconds, got ${String(value)}.`),
    );
  }
  return value;
}

/** A claim token, unique across processes (122 random bits). */
export function newClaimToken(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * An in-process store: right for a single server instance. Bounded (LRU eviction), TTLs checked
 * lazily on access, and no timers, so it never keeps the process alive. For several instances
 * use `RedisIdempotencyStore` from `@composio-webhooks/redis`.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly leaseMs: number;
  readonly completedTtlMs: number;
  readonly maxEntries: number;
  private readonly now: () => number;
  // Map iteration order is insertion order: re-inserting on use makes the first entry the LRU.
  private readonly entries = new Map<string, Entry>();

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
    this.maxEntries = max;
    this.now = options.now ?? Date.now;
  }

  /** Ids currently remembered (leased or completed, expired ones not yet swept included). */
  get size(): number {
    return this.entries.size;
  }

  claim(id: string): Promise<IdempotencyClaim> {
    const now = this.now();
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.expiresAt > now) {
      this.touch(id, entry);
      return Promise.resolve(entry.token === undefined ? COMPLETED : IN_FLIGHT);
    }
    const token = newClaimToken();
    this.entries.delete(id);
    this.entries.set(id, { token, expiresAt: now + this.leaseMs });
    this.evict();
    return Promise.resolve({ status: 'claimed', token });
  }

  complete(id: string, token: string): Promise<void> {
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.token === token) {
      entry.token = undefined;
      entry.expiresAt = this.now() + this.completedTtlMs;
      this.touch(id, entry);
    }
    return Promise.resolve();
  }

  release(id: string, token: string): Promise<void> {
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.token === token) this.entries.delete(id);
    return Promise.resolve();
  }

  /** Forgets every id. */
  clear(): void {
    this.entries.clear();
  }

  private touch(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
  }

  /** Drops least recently used ids (the first in the map) beyond the bound. */
  private evict(): void {
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return;
      this.entries.delete(id);
    }
  }
}

const COMPLETED: IdempotencyClaim = Object.freeze({ status: 'completed' });
const IN_FLIGHT: IdempotencyClaim = Object.freeze({ status: 'in-flight' });
