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
import type { WebhookLogger } from './logger.js';

export type IdempotencyClaim =
  /** This caller owns the id now: run the handlers, then `complete` or `release`. */
  | { status: 'claimed'; token: string }
  /** Already processed: answer 200 without running handlers. */
  | { status: 'completed' }
  /** Another caller holds an unexpired lease: answer 409 so Composio retries later. */
  | { status: 'in-flight' };

export interface IdempotencyStore {
  /** Takes the id for `leaseMs`, or says it is processed or held by another caller. */
  claim(id: string): Promise<IdempotencyClaim>;
  /** Records the id as processed, while `token` still owns it (or its lease lapsed unclaimed). */
  complete(id: string, token: string): Promise<void>;
  /** Frees the id so the next copy is processed, only while `token` still owns it. */
  release(id: string, token: string): Promise<void>;
  /**
   * Extends the lease of a claim `token` still holds by the store's `leaseMs`, from now. The
   * receiver calls it every `leaseMs / 3` while handlers run past their deadline, so a claim is
   * never lost while its handler runs. Resolves `false` when the claim is no longer this
   * caller's (it was completed or released, or its lease lapsed and the id may have been claimed
   * again): stop renewing then. Optional for custom stores; without it a claim lasts `leaseMs`
   * whatever the handler does, so make `leaseMs` longer than the slowest handler.
   */
  renew?(id: string, token: string): Promise<boolean>;
  /** The lease of a claim in ms, when the store knows it (the receiver renews at a third of it). */
  readonly leaseMs?: number;
}

/** How long a claim protects an id while handlers run: 60 s. */
export const DEFAULT_LEASE_MS = 60_000;
/** How long a processed id is remembered: 24 h, beyond Composio's retry window. */
export const DEFAULT_COMPLETED_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Ids a `MemoryIdempotencyStore` holds (claims in flight and processed ids) before it evicts the
 * oldest processed id: 100 000, 13–16 MiB when full (measured: ~134 bytes per processed id, its
 * 40-character string included, as the store fills; ~160 once it evicts and its `Map` has grown
 * to its steady size; `pnpm bench` in packages/core).
 */
export const DEFAULT_MAX_ENTRIES = 100_000;

export interface IdempotencyTimings {
  /** Lease of a claim in ms (default 60 s). Make it longer than your slowest handler. */
  leaseMs?: number;
  /** How long completed ids are remembered in ms (default 24 h). */
  completedTtlMs?: number;
}

export interface MemoryIdempotencyStoreOptions extends IdempotencyTimings {
  /**
   * Bound on held ids, claims in flight included (default 100 000). Past it the oldest processed
   * id is forgotten; a claim in flight never is. When every held id is in flight, a new claim
   * fails with `STORE_UNAVAILABLE` (503, Composio retries).
   */
  maxEntries?: number;
  /**
   * Where the store warns (at most once a minute) that it forgot processed ids younger than
   * `completedTtlMs` to stay within `maxEntries`. Default `console`; `false` for silence.
   */
  logger?: Pick<WebhookLogger, 'warn'> | false;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/** Checks shared by every store: positive finite durations, with the defaults above. */
export function resolveTimings(
  options: IdempotencyTimings,
  owner: string,
): { leaseMs: number; completedTtlMs: number } {
  const leaseMs = positiveMs(options.leaseMs, DEFAULT_LEASE_MS, `${owner} leaseMs`);
  const completedTtlMs = positiveMs(
    options.completedTtlMs,
    DEFAULT_COMPLETED_TTL_MS,
    `${owner} completedTtlMs`,
  );
  return { leaseMs, completedTtlMs };
}

/** A positive finite number of ms, or `fallback` when absent; else `INVALID_CONFIG` naming `name`. */
export function positiveMs(value: unknown, fallback: number, name: string): number {
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
