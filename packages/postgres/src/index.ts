export {
  PostgresIdempotencyError,
  type PostgresStoreFailure,
  type PostgresStoreOperation,
} from './errors.js';
export type { PostgresQueryable } from './query.js';
export { DEFAULT_TABLE_NAME, migrationStatements } from './sql.js';
export {
  DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_SWEEP_LIMIT,
  MAX_STORED_ID_LENGTH,
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from './store.js';
