export const PACKAGE_PREFIX = '[@composio-webhooks/postgres]';

export function message(text: string): string {
  return `${PACKAGE_PREFIX} ${text}`;
}

export type PostgresStoreOperation = 'claim' | 'complete' | 'release' | 'renew' | 'sweep';

export type PostgresStoreFailure =
  /** The database did not answer within `timeoutMs` (down, restarting, overloaded or frozen). */
  | 'timeout'
  /** The store's table is missing: `migrate()` (or `sql/001_idempotency.sql`) was not run. */
  | 'missing-table'
  /** The database or the driver rejected the query (connection refused or lost included). */
  | 'query'
  /** The query's result has a shape the store's SQL never returns. */
  | 'reply';

/**
 * Why a store call failed. The receiver turns it into `STORE_UNAVAILABLE` (503, or processing
 * without dedupe with `failOpen: true`), with this error as `cause`.
 */
export class PostgresIdempotencyError extends Error {
  readonly operation: PostgresStoreOperation;
  readonly failure: PostgresStoreFailure;

  constructor(
    operation: PostgresStoreOperation,
    failure: PostgresStoreFailure,
    text: string,
    options?: { cause?: unknown },
  ) {
    super(message(text), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PostgresIdempotencyError';
    this.operation = operation;
    this.failure = failure;
  }
}
