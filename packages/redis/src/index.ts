export type { RedisClientLike } from './client.js';
export {
  RedisIdempotencyError,
  type RedisStoreFailure,
  type RedisStoreOperation,
} from './errors.js';
export { COMPLETED_MARKER } from './scripts.js';
export {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
  DEFAULT_TIMEOUT_MS,
  RedisIdempotencyStore,
  type RedisIdempotencyStoreOptions,
} from './store.js';
