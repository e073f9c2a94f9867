/**
 * `IdempotencyStore` on PostgreSQL: one row per `webhook-id` in one table, shared by every server
 * instance on the database. The same protocol as the Redis store (claim / complete / release /
 * renew with a token, leases, completed ids kept for `completedTtlMs`), each step one atomic
 * statement (`sql.ts`). Expired rows are deleted by the store itself: a bounded DELETE piggybacks
 * on a claim at most once per `sweepIntervalMs`, so nobody has to schedule a cleanup job.
 */
import { createHash } from 'node:crypto';
import {
  type IdempotencyClaim,
  type IdempotencyStore,
  WebhookConfigError,
  type WebhookLogger,
} from '@composio-webhooks/core';
import {
  type IdempotencyTimings,
  newClaimToken,
  resolveTimings,
} from '@composio-webhooks/core/adapter';
import { message, PostgresIdempotencyError, type PostgresStoreOperation } from './errors.js';
import {
  acceptsNamedStatements,
  type PostgresQueryable,
  runQuery,
  watchIdleErrors,
} from './query.js';
import {
  DEFAULT_TABLE_NAME,
  isValidTableName,
  migrationStatements,
  type Statements,
  statements,
} from './sql.js';

/** Ids longer than this (in characters) are stored as their SHA-256 digest. */
export const MAX_STORED_ID_LENGTH = 256;
/** Deadline of one store call: 2 s, then the receiver answers 503 (or fails open). */
export const DEFAULT_QUERY_TIMEOUT_MS = 2_000;
/** How often a store deletes expired rows, at most: once a minute. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
/** Rows one sweep deletes, at most; a sweep that hits it runs again on the next claim. */
export const DEFAULT_SWEEP_LIMIT = 1_000;

export interface PostgresIdempotencyStoreOptions extends IdempotencyTimings {
  /**
   * Your node-postgres `Pool` (or anything with its `query(text, values)` returning `{ rows }`:
   * a `Client`, PGlite, Neon's serverless `Pool`). The store never ends it.
   */
  pool: PostgresQueryable;
  /** The table, `name` or `schema.name` (default `composio_webhook_idempotency`). */
  tableName?: string;
  /**
   * Deadline of each query in ms, waiting for a pooled connection included (default 2000). Past
   * it the call rejects, so the receiver answers 503 instead of hanging while the database is
   * unreachable. `false` leaves the deadline to the pool's own options.
   */
  timeoutMs?: number | false;
  /**
   * How often, at most, a claim also deletes expired rows (default 60 000 ms); `false` if you
   * delete them yourself (`store.sweep()`, or `DELETE … WHERE expires_at <= now()`).
   */
  sweepIntervalMs?: number | false;
  /** Rows one sweep deletes, at most (default 1000). */
  sweepLimit?: number;
  /**
   * Send the protocol's statements as named prepared statements (node-postgres `Pool`/`Client`
   * and Neon's `Pool` only): each connection parses and plans them once, measured 1.7× the
   * throughput of the default. Not behind PgBouncer in transaction mode unless it supports
   * protocol-level prepared statements (1.21+, `max_prepared_statements` > 0). Default false.
   */
  preparedStatements?: boolean;
  /**
   * Where the store warns about errors of idle pooled connections (see README: it listens for
   * them only when the pool has no `'error'` listener of its own). Default `console`.
   */
  logger?: Pick<WebhookLogger, 'warn'> | false;
}

const COMPLETED: IdempotencyClaim = Object.freeze({ status: 'completed' });
const IN_FLIGHT: IdempotencyClaim = Object.freeze({ status: 'in-flight' });

export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly tableName: string;
  readonly leaseMs: number;
  readonly completedTtlMs: number;
  readonly timeoutMs: number | false;
  readonly sweepIntervalMs: number | false;
  readonly sweepLimit: number;
  readonly preparedStatements: boolean;
  private readonly pool: PostgresQueryable;
  private readonly sql: Statements;
  private readonly names: Record<keyof Statements, string> | undefined;
  private sweeping = false;
  private nextSweepAt = 0;

  constructor(options: PostgresIdempotencyStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw configError(
        "new PostgresIdempotencyStore(options) needs an options object: { pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) } (import pg from 'pg').",
      );
    }
    const { pool } = options;
    if (pool === null || typeof pool !== 'object' || typeof pool.query !== 'function') {
      throw configError(
        "PostgresIdempotencyStore needs `pool`: a node-postgres Pool, e.g. new pg.Pool({ connectionString: process.env.DATABASE_URL }) (import pg from 'pg'), or anything with its query(text, values) method.",
      );
    }
    const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
    if (!isValidTableName(tableName)) {
      throw configError(
        `PostgresIdempotencyStore tableName must be a lower-case identifier (letters, digits, _; at most 48 characters), optionally schema-qualified ("schema.table"), got ${JSON.stringify(tableName) ?? String(tableName)}.`,
      );
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    if (timeoutMs !== false && !isPositive(timeoutMs)) {
      throw configError(
        `PostgresIdempotencyStore timeoutMs must be a positive number of milliseconds or false, got ${String(timeoutMs)}.`,
      );
    }
    const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (sweepIntervalMs !== false && !isPositive(sweepIntervalMs)) {
      throw configError(
        `PostgresIdempotencyStore sweepIntervalMs must be a positive number of milliseconds or false (you delete expired rows yourself), got ${String(sweepIntervalMs)}.`,
      );
    }
    const sweepLimit = options.sweepLimit ?? DEFAULT_SWEEP_LIMIT;
    if (!Number.isInteger(sweepLimit) || sweepLimit < 1) {
      throw configError(
        `PostgresIdempotencyStore sweepLimit must be a positive integer, got ${String(sweepLimit)}.`,
      );
    }
    const logger = options.logger === undefined ? console : options.logger;
    if (logger !== false && (logger === null || typeof logger?.warn !== 'function')) {
      throw configError(
        'PostgresIdempotencyStore logger must have a warn(message) method (e.g. console), or be false for silence.',
      );
    }
    const preparedStatements = options.preparedStatements ?? false;
    if (typeof preparedStatements !== 'boolean') {
      throw configError(
        `PostgresIdempotencyStore preparedStatements must be true or false, got ${String(preparedStatements)}.`,
      );
    }
    if (preparedStatements && !acceptsNamedStatements(pool)) {
      throw configError(
        "PostgresIdempotencyStore preparedStatements: true needs a node-postgres Pool or Client (or Neon's Pool), which take named statements; this pool's query() takes text only. Remove preparedStatements.",
      );
    }
    const timings = resolveTimings(options, 'PostgresIdempotencyStore');
    this.pool = pool;
    this.tableName = tableName;
    this.sql = statements(tableName);
    this.timeoutMs = timeoutMs;
    this.sweepIntervalMs = sweepIntervalMs;
    this.sweepLimit = sweepLimit;
    this.preparedStatements = preparedStatements;
    this.names = preparedStatements ? statementNames(this.sql) : undefined;
    this.leaseMs = timings.leaseMs;
    this.completedTtlMs = timings.completedTtlMs;
    watchIdleErrors(pool, logger);
  }

  /**
   * Creates the table and its index if they are missing (idempotent; safe from several instances
   * at once). The same SQL ships as `sql/001_idempotency.sql` for migration tools.
   */
  async migrate(): Promise<void> {
    for (const statement of migrationStatements(this.tableName)) {
      try {
        await this.pool.query(statement);
      } catch (error) {
        // Two instances creating the table at once: one of them meets the other's new row in the
        // catalog. It exists now, so the statement succeeds when run again.
        if (!isConcurrentCreate(error)) throw error;
        await this.pool.query(statement);
      }
    }
  }

  async claim(id: string): Promise<IdempotencyClaim> {
    this.maybeSweep();
    const token = newClaimToken();
    const row = await this.one('claim', this.sql.claim, [
      rowId(id),
      token,
      Math.ceil(this.leaseMs),
    ]);
    if (row.claimed === 1) return { status: 'claimed', token };
    if (row.claimed === 0) return row.completed === true ? COMPLETED : IN_FLIGHT;
    throw this.unexpected('claim', row);
  }

  async complete(id: string, token: string): Promise<void> {
    await this.run('complete', this.sql.complete, [
      rowId(id),
      token,
      Math.ceil(this.completedTtlMs),
    ]);
  }

  async release(id: string, token: string): Promise<void> {
    await this.run('release', this.sql.release, [rowId(id), token]);
  }

  /**
   * Restarts the lease of a claim `token` still holds (`leaseMs` from now). Resolves false when
   * the claim is no longer the caller's: completed, released, or lapsed (a lapsed lease is never
   * revived, since another instance may have claimed the id since).
   */
  async renew(id: string, token: string): Promise<boolean> {
    const rows = await this.run('renew', this.sql.renew, [
      rowId(id),
      token,
      Math.ceil(this.leaseMs),
    ]);
    return rows.length === 1;
  }

  /**
   * Deletes up to `sweepLimit` expired rows (processed ids past `completedTtlMs`, leases that
   * lapsed); resolves to how many. Claims call it by themselves every `sweepIntervalMs`.
   */
  async sweep(): Promise<number> {
    const row = await this.one('sweep', this.sql.sweep, [this.sweepLimit]);
    if (typeof row.deleted !== 'number') throw this.unexpected('sweep', row);
    return row.deleted;
  }

  private maybeSweep(): void {
    if (this.sweepIntervalMs === false || this.sweeping || Date.now() < this.nextSweepAt) return;
    const interval = this.sweepIntervalMs;
    this.sweeping = true;
    this.sweep().then(
      (deleted) => {
        this.sweeping = false;
        // A full batch means more are waiting: the next claim sweeps again.
        this.nextSweepAt = deleted >= this.sweepLimit ? 0 : Date.now() + interval;
      },
      () => {
        // The claim beside it reports the outage; sweeping waits for the next interval.
        this.sweeping = false;
        this.nextSweepAt = Date.now() + interval;
      },
    );
  }

  private run(
    operation: PostgresStoreOperation,
    text: string,
    values: unknown[],
  ): Promise<unknown[]> {
    return runQuery({
      pool: this.pool,
      operation,
      text,
      values,
      timeoutMs: this.timeoutMs,
      tableName: this.tableName,
      ...(this.names && { name: this.names[operation] }),
    });
  }

  private async one(
    operation: 'claim' | 'sweep',
    text: string,
    values: unknown[],
  ): Promise<Record<string, unknown>> {
    const rows = await this.run(operation, text, values);
    const row = rows[0];
    if (rows.length !== 1 || row === null || typeof row !== 'object') {
      throw this.unexpected(operation, rows);
    }
    return row as Record<string, unknown>;
  }

  private unexpected(operation: 'claim' | 'sweep', reply: unknown) {
    return new PostgresIdempotencyError(
      operation,
      'reply',
      `The database answered ${operation} with ${JSON.stringify(reply) ?? String(reply)}, which the store's SQL never returns. Is \`pool\` a PostgreSQL client whose query(text, values) resolves to { rows }?`,
    );
  }
}

/**
 * The row's key for a webhook-id: the id itself, or for an id over `MAX_STORED_ID_LENGTH`
 * characters `sha256:<hex digest>`, so any id fits a btree index entry (at most ~2.7 kB).
 */
export function rowId(id: string): string {
  return id.length <= MAX_STORED_ID_LENGTH
    ? id
    : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}

/** Per statement a name derived from its text, so two tables' statements never share one. */
function statementNames(sql: Statements): Record<keyof Statements, string> {
  const entries = Object.entries(sql).map(([operation, text]) => [
    operation,
    `composio_${operation}_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`,
  ]);
  return Object.fromEntries(entries) as Record<keyof Statements, string>;
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function configError(text: string): WebhookConfigError {
  return new WebhookConfigError(message(text));
}

/** unique_violation on the catalog, duplicate_table, duplicate_object. */
function isConcurrentCreate(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === '42P07' || code === '42710';
}
