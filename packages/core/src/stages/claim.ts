/**
 * Stage 4, claim: dedupe on `webhook-id`. The store says whether this request owns the delivery
 * now (a claim token), whether it was processed already (200 duplicate, handlers not run) or is
 * in flight elsewhere (409). A store that fails answers 503, unless `failOpen` processes the
 * delivery without dedupe. A claim taken is kept renewed until its handlers settle
 * (`../leases.ts`).
 */
import { message, WebhookError } from '../errors.js';
import type { WebhookDelivery } from '../events.js';
import type { IdempotencyStore } from '../idempotency.js';
import type { RequestTrace } from '../instrumentation.js';
import { deliveryFields } from '../logger.js';
import type { Pipeline } from '../options.js';

/** The delivery was processed already: answer 200 duplicate. */
export const PROCESSED = Symbol('processed');

/**
 * The claim's token; `undefined` when the store failed and `failOpen` processes the delivery
 * anyway; `PROCESSED`. Rejects with the `WebhookError` that
 * refuses the request (409 in flight, 503 store unavailable).
 */
export async function claimDelivery(
  pipeline: Pipeline,
  trace: RequestTrace,
  store: IdempotencyStore,
  delivery: WebhookDelivery,
): Promise<string | undefined | typeof PROCESSED> {
  let claim: Awaited<ReturnType<typeof store.claim>>;
  try {
    claim = await store.claim(delivery.id);
  } catch (cause) {
    const error = new WebhookError(
      'STORE_UNAVAILABLE',
      message(
        `The idempotency store failed while claiming ${delivery.id}${pipeline.failOpen ? '; processing without dedupe (failOpen)' : '; answering 503 so Composio retries (set failOpen: true to process without dedupe)'}.`,
      ),
      { cause },
    );
    if (!pipeline.failOpen) throw error;
    trace.storeError = error;
    trace.log?.error(error.message, {
      ...deliveryFields(delivery),
      code: error.code,
      ...(trace.path !== undefined && { path: trace.path }),
      err: cause,
    });
    return undefined;
  }
  if (claim.status === 'claimed') return claim.token;
  if (claim.status === 'completed') return PROCESSED;
  throw new WebhookError(
    'DUPLICATE_IN_FLIGHT',
    message(
      `Delivery ${delivery.id} is already being processed; answering 409 so Composio retries it later.`,
    ),
  );
}
