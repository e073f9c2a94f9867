export const PACKAGE_PREFIX = '[@composio-webhooks/redis]';

export function message(text: string): string {
  return `${PACKAGE_PREFIX} ${text}`;
}

export type RedisStoreOperation = 'claim' | 'complete' | 'release' | 'renew';

export type RedisStoreFailure =
  /** Redis did not answer within `timeoutMs` (down, reconnecting, overloaded or paused). */
  | 'timeout'
  /** The client was closed with `quit()`/`disconnect()` and will not reconnect. */
  | 'closed'
  /** Redis or the client rejected the command. */
  | 'command'
  /** Redis answered something the scripts never return. */
  | 'reply';

/**
 * Why a store call failed. The receiver turns it into `STORE_UNAVAILABLE` (503, or processing
 * without dedupe with `failOpen: true`), with this error as `cause`.
 */
export class RedisIdempotencyError extends Error {
  readonly operation: RedisStoreOperation;
  readonly failure: RedisStoreFailure;

  constructor(
    operation: RedisStoreOperation,
    failure: RedisStoreFailure,
    text: string,
    options?: { cause?: unknown },
  ) {
    super(message(text), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RedisIdempotencyError';
    this.operation = operation;
    this.failure = failure;
  }
}
