/**
 * The settle stage's store calls: recording a delivery as processed, and releasing a claim. A
 * `complete()` that fails because the store is briefly down is retried in the background with the
 * claim's token, so a short outage does not make Composio's retry run handlers that succeeded.
 */
import { message, WebhookError } from '../errors.js';
import type { IdempotencyStore } from '../idempotency.js';
import { describeError } from '../outcome.js';
import { logFields } from './answer.js';
import type { Settlement } from './settle.js';

/**
 * Delays of the background retries of a `complete()` that failed (the store was briefly down):
 * about 30 s in all.
 */
export const COMPLETE_RETRY_DELAYS_MS: readonly number[] = [
  250, 500, 1000, 2000, 4000, 8000, 15000,
];

/** Records the delivery as processed; retries in the background while the store is down. */
export function recordProcessed(
  settlement: Settlement,
  store: IdempotencyStore,
  token: string,
): Promise<void> {
  const { delivery, trace } = settlement;
  return storeCall(() => store.complete(delivery.id, token)).then(undefined, (cause: unknown) => {
    trace.log?.warn(
      message(
        `The idempotency store failed to record ${delivery.id} as processed (${describeError(cause)}); retrying in the background.`,
      ),
      logFields(trace, 'STORE_UNAVAILABLE', cause),
    );
    retryComplete(settlement, store, token, 0);
  });
}

function retryComplete(
  settlement: Settlement,
  store: IdempotencyStore,
  token: string,
  attempt: number,
): void {
  const { id } = settlement.delivery;
  const delay = COMPLETE_RETRY_DELAYS_MS[attempt];
  if (delay === undefined) {
    storeFailed(
      settlement,
      200,
      `The idempotency store failed to record ${id} as processed after ${COMPLETE_RETRY_DELAYS_MS.length + 1} tries; a later duplicate may be processed again once the claim's lease lapses.`,
      undefined,
    );
    return;
  }
  const timer = setTimeout(() => {
    storeCall(() => store.complete(id, token)).then(
      () => undefined,
      () => retryComplete(settlement, store, token, attempt + 1),
    );
  }, delay);
  (timer as { unref?: () => void }).unref?.();
}

/** Releases the claim so the retry is processed; a store failure is reported (the lease lapses). */
export function releaseClaim(
  settlement: Settlement,
  store: IdempotencyStore,
  token: string,
  status: number,
): Promise<void> {
  const { id } = settlement.delivery;
  return storeCall(() => store.release(id, token)).then(undefined, (cause: unknown) => {
    storeFailed(
      settlement,
      status,
      `The idempotency store failed to release ${id}; the retry is processed once the lease expires.`,
      cause,
    );
  });
}

function storeFailed(settlement: Settlement, status: number, text: string, cause: unknown): void {
  const error = new WebhookError('STORE_UNAVAILABLE', message(text), { cause });
  settlement.reportEnd({ type: 'store-unavailable', status, code: error.code, error });
}

/** A store call as a promise, also when a custom store throws instead of rejecting. */
function storeCall(call: () => Promise<void>): Promise<void> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}
