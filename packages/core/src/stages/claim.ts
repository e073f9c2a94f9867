/**
 * Stage 4, claim: dedupe on `webhook-id`. The store says whether this request owns the delivery
 * now (a claim token), whether it was processed already (200 duplicate, handlers not run) or is
 * in flight elsewhere (409). A store that fails answers 503, unless `failOpen` processes the
 * delivery without dedupe. A claim taken is kept renewed until its handlers settle
 * (`../leases.ts`).
 */
import { message, WebhookError } from '../errors.js';
import type { WebhookDelivery } from '../events.js';
import type { IdempotencyClaim } from '../idempotency.js';
import type { RequestTrace } from '../instrumentation.js';
import type { Pipeline } from '../options.js';
import { logFields } from './answer.js';

/** The delivery was processed already: answer 200 duplicate. */
export const PROCESSED = Symbol('processed');

/**
 * What the store's claim says: this request's token, or `PROCESSED`. Throws the 409
 * `DUPLICATE_IN_FLIGHT` refusal when another caller holds the delivery. (The exchange awaits
 * `store.claim(id)` itself: one promise less per request.)
 */
export function claimed(
  claim: IdempotencyClaim,
  delivery: WebhookDelivery,
): string | typeof PROCESSED {
  if (claim.status === 'claimed') return claim.token;
  if (claim.status === 'completed') return PROCESSED;
  throw new WebhookError(
    'DUPLICATE_IN_FLIGHT',
    message(
      `Delivery ${delivery.id} is already being processed; answering 409 so Composio retries it later.`,
    ),
  );
}

/**
 * The store failed to claim: throws the 503 `STORE_UNAVAILABLE` refusal, or, with `failOpen`,
 * logs it once and returns `undefined` (the delivery runs without dedupe).
 */
export function claimFailed(
  pipeline: Pipeline,
  trace: RequestTrace,
  delivery: WebhookDelivery,
  cause: unknown,
): undefined {
  const error = new WebhookError(
    'STORE_UNAVAILABLE',
    message(
      `The idempotency store failed while claiming ${delivery.id}${pipeline.failOpen ? '; processing without dedupe (failOpen)' : '; answering 503 so Composio retries (set failOpen: true to process without dedupe)'}.`,
    ),
    { cause },
  );
  if (!pipeline.failOpen) throw error;
  trace.storeError = error;
  trace.log?.error(error.message, logFields(trace, error.code, cause));
  return undefined;
}
