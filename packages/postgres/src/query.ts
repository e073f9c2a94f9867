/**
 * How the store talks to the database: `query(text, values)` on whatever it was given, under a
 * deadline, every failure turned into a `PostgresIdempotencyError` that says what to do.
 */
import type { WebhookLogger } from '@composio-webhooks/core';
import {
  message,
  PostgresIdempotencyError,
  type PostgresStoreFailure,
  type PostgresStoreOperation,
} from './errors.js';

/**
 * What the store needs of a database client: node-postgres' `query(text, values)` resolving to
 * `{ rows }`. A `pg.Pool` or `pg.Client`, PGlite, Neon's serverless `Pool` all have it.
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** node-postgres' query config form, for named (prepared) statements. */
interface PreparingQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Whether `pool` takes node-postgres' `{ name, text, values }` form: a `pg.Pool` (or Neon's,
 * which extends it) has `Client`, a `pg.Client` has `connectionParameters`.
 */
export function acceptsNamedStatements(pool: PostgresQueryable): boolean {
  const candidate = pool as { Client?: unknown; connectionParameters?: unknown };
  return (
    typeof candidate.Client === 'function' || typeof candidate.connectionParameters === 'object'
  );
}

/** undefined_table: the store's table is not there. */
const UNDEFINED_TABLE = '42P01';

export async function runQuery(call: {
  pool: PostgresQueryable;
  operation: PostgresStoreOperation;
  text: string;
  values: unknown[];
  timeoutMs: number | false;
  tableName: string;
  /** A prepared statement's name: sent as node-postgres' `{ name, text, values }`. */
  name?: string;
}): Promise<unknown[]> {
  const { operation, timeoutMs } = call;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    let pending: Promise<{ rows: unknown[] }>;
    try {
      pending = Promise.resolve(
        call.name === undefined
          ? call.pool.query(call.text, call.values)
          : (call.pool as unknown as PreparingQueryable).query({
              name: call.name,
              text: call.text,
              values: call.values,
            }),
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    if (timeoutMs !== false) {
      // A query that answers after its deadline is ignored (its rejection too).
      pending.catch(() => {});
      pending = Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                failure(
                  operation,
                  'timeout',
                  `PostgreSQL did not answer ${operation} within ${timeoutMs} ms (is the database down, restarting or overloaded?).`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    }
    const result = await pending;
    const rows = (result as { rows?: unknown } | null)?.rows;
    if (!Array.isArray(rows)) {
      throw failure(
        operation,
        'reply',
        `query() resolved ${operation} to ${describe(result)} instead of { rows: [...] }. Pass a node-postgres Pool (or a client whose query(text, values) resolves to { rows }).`,
      );
    }
    return rows;
  } catch (error) {
    if (error instanceof PostgresIdempotencyError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === UNDEFINED_TABLE) {
      throw failure(
        operation,
        'missing-table',
        `The table ${call.tableName} does not exist. Create it once: await store.migrate() at start-up, or run sql/001_idempotency.sql from the package with your migration tool.`,
        error,
      );
    }
    throw failure(
      operation,
      'query',
      `PostgreSQL rejected ${operation}: ${(error as Error)?.message ?? String(error)}`,
      error,
    );
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function failure(
  operation: PostgresStoreOperation,
  kind: PostgresStoreFailure,
  text: string,
  cause?: unknown,
): PostgresIdempotencyError {
  return new PostgresIdempotencyError(operation, kind, text, { cause });
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

interface EmitterLike {
  on(event: 'error', listener: (error: Error) => void): unknown;
  listenerCount(event: 'error'): number;
}

/** Warnings about idle connections: at most one a minute. */
const IDLE_WARNING_INTERVAL_MS = 60_000;

/**
 * node-postgres emits `'error'` on the pool when an idle pooled connection breaks (the database
 * restarted); with no listener that is an uncaught exception that ends the process. When the
 * pool has no listener, the store adds one that warns, so a database restart costs some 503s
 * instead of the server.
 */
export function watchIdleErrors(
  pool: PostgresQueryable,
  logger: Pick<WebhookLogger, 'warn'> | false,
): void {
  const emitter = pool as Partial<EmitterLike>;
  if (typeof emitter.on !== 'function' || typeof emitter.listenerCount !== 'function') return;
  if (emitter.listenerCount('error') > 0) return;
  let warnedAt = Number.NEGATIVE_INFINITY;
  emitter.on('error', (error: Error) => {
    const now = Date.now();
    if (logger === false || now - warnedAt < IDLE_WARNING_INTERVAL_MS) return;
    warnedAt = now;
    logger.warn(
      message(
        `An idle connection of the pool failed (${error?.message ?? String(error)}); the pool opens a new one when needed. PostgresIdempotencyStore added this 'error' listener because the pool had none: add your own (pool.on('error', …)) to decide what to log.`,
      ),
    );
  });
}
