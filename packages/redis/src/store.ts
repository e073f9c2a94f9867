/**
 * `IdempotencyStore` on Redis: one key per `webhook-id`, shared by every server instance.
 *
 * - claim: `SET key token NX PX leaseMs`; when the key exists, its value tells a processed id
 *   (the completed marker) from one being processed elsewhere (a lease token).
 * - complete: compare-and-set to the completed marker with `completedTtlMs`, only while the
 *   caller's lease is still there (or lapsed unclaimed): never over another instance's claim.
 * - release: compare-and-delete, so a slow instance cannot free the id another one holds.
 * - renew: compare-and-extend the lease (`PEXPIRE`), while the caller's token is still there.
 */
import {
  type IdempotencyClaim,
  type IdempotencyStore,
  WebhookConfigError,
} from '@composio-webhooks/core';
import {
  type IdempotencyTimings,
  newClaimToken,
  resolveTimings,
} from '@composio-webhooks/core/adapter';
import { ReadyGate, type RedisClientLike, runScript } from './client.js';
import { message, RedisIdempotencyError, type RedisStoreOperation } from './errors.js';
import {
  ALREADY_COMPLETED,
  CLAIM,
  CLAIMED,
  COMPLETE,
  COMPLETED_MARKER,
  IN_FLIGHT,
  type LuaScript,
  RELEASE,
  RENEW,
} from './scripts.js';

/** Prefix of every key the store writes: `composio-webhooks:<webhook-id>`. */
export const DEFAULT_KEY_PREFIX = 'composio-webhooks:';
/** Deadline of one store call: 2 s, then the receiver answers 503 (or fails open). */
/** The deadline of one Redis command: 2 s. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
/** @deprecated Use `DEFAULT_COMMAND_TIMEOUT_MS`. */
export const DEFAULT_TIMEOUT_MS = DEFAULT_COMMAND_TIMEOUT_MS;

export interface RedisIdempotencyStoreOptions extends IdempotencyTimings {
  /** Your ioredis client (`new Redis(url)` or a `Cluster`). The store never closes it. */
  client: RedisClientLike;
  /** Prefix of the keys, one per webhook-id (default `composio-webhooks:`). */
  prefix?: string;
  /**
   * Deadline of each claim/complete/release in ms, waiting for a reconnect included (default
   * 2000). Past it the call rejects, so the receiver answers 503 instead of hanging while Redis
   * is down. `false` leaves the deadline to the client's own options.
   */
  timeoutMs?: number | false;
}

const COMPLETED: IdempotencyClaim = Object.freeze({ status: 'completed' });
const IN_FLIGHT_CLAIM: IdempotencyClaim = Object.freeze({ status: 'in-flight' });

export class RedisIdempotencyStore implements IdempotencyStore {
  readonly prefix: string;
  readonly leaseMs: number;
  readonly completedTtlMs: number;
  readonly timeoutMs: number | false;
  private readonly client: RedisClientLike;
  private readonly gate: ReadyGate;

  constructor(options: RedisIdempotencyStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw configError(
        'new RedisIdempotencyStore(options) needs an options object: { client: new Redis(process.env.REDIS_URL) }.',
      );
    }
    const { client } = options;
    if (
      client === null ||
      typeof client !== 'object' ||
      typeof client.evalsha !== 'function' ||
      typeof client.eval !== 'function'
    ) {
      throw configError(
        'RedisIdempotencyStore needs `client`: an ioredis client, e.g. new Redis(process.env.REDIS_URL) from the ioredis package.',
      );
    }
    const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
    if (typeof prefix !== 'string') {
      throw configError(`RedisIdempotencyStore prefix must be a string, got ${typeof prefix}.`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (
      timeoutMs !== false &&
      (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
    ) {
      throw configError(
        `RedisIdempotencyStore timeoutMs must be a positive number of milliseconds or false, got ${String(timeoutMs)}.`,
      );
    }
    const timings = resolveTimings(options, 'RedisIdempotencyStore');
    this.client = client;
    this.gate = new ReadyGate(client);
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    this.leaseMs = timings.leaseMs;
    this.completedTtlMs = timings.completedTtlMs;
  }

  /** The Redis key of a webhook-id. */
  key(id: string): string {
    return `${this.prefix}${id}`;
  }

  async claim(id: string): Promise<IdempotencyClaim> {
    const token = newClaimToken();
    const reply = await this.run('claim', CLAIM, id, [
      token,
      Math.ceil(this.leaseMs),
      COMPLETED_MARKER,
    ]);
    if (reply === CLAIMED) return { status: 'claimed', token };
    if (reply === ALREADY_COMPLETED) return COMPLETED;
    if (reply === IN_FLIGHT) return IN_FLIGHT_CLAIM;
    throw unexpected('claim', reply);
  }

  async complete(id: string, token: string): Promise<void> {
    const reply = await this.run('complete', COMPLETE, id, [
      token,
      COMPLETED_MARKER,
      Math.ceil(this.completedTtlMs),
    ]);
    if (reply !== 0 && reply !== 1) throw unexpected('complete', reply);
  }

  async release(id: string, token: string): Promise<void> {
    const reply = await this.run('release', RELEASE, id, [token]);
    if (reply !== 0 && reply !== 1) throw unexpected('release', reply);
  }

  /**
   * Restarts the lease of a claim `token` still holds (`leaseMs` from now). Resolves false when
   * the claim is no longer the caller's: completed, released, or lapsed (a lapsed lease is never
   * revived, since another instance may have claimed the id since).
   */
  async renew(id: string, token: string): Promise<boolean> {
    const reply = await this.run('renew', RENEW, id, [token, Math.ceil(this.leaseMs)]);
    if (reply !== 0 && reply !== 1) throw unexpected('renew', reply);
    return reply === 1;
  }

  private run(
    operation: RedisStoreOperation,
    script: LuaScript,
    id: string,
    args: (string | number)[],
  ): Promise<unknown> {
    return runScript({
      client: this.client,
      gate: this.gate,
      operation,
      script,
      key: this.key(id),
      args,
      timeoutMs: this.timeoutMs,
    });
  }
}

function configError(text: string): WebhookConfigError {
  return new WebhookConfigError(message(text));
}

function unexpected(operation: RedisStoreOperation, reply: unknown): RedisIdempotencyError {
  return new RedisIdempotencyError(
    operation,
    'reply',
    `Redis answered ${operation} with ${JSON.stringify(reply) ?? String(reply)}, which the store's script never returns. Is the client a Redis-compatible server with Lua scripting?`,
  );
}
