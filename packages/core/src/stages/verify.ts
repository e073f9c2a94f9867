/**
 * Stage 3, verify: the signature over the exact bytes, the timestamp, then the payload — parsed,
 * normalised to V3 and validated (`../verifier.ts` and the files it names). Then, when
 * `triggerValidators` were given, the trigger data against its schema: `'strict'` refuses a
 * mismatch (400) before anything is claimed; `'warn'` keeps it on the trace for the answer.
 */
import type { WebhookDelivery } from '../events.js';
import type { RequestTrace } from '../instrumentation.js';
import type { Pipeline } from '../options.js';
import { mismatchError } from '../trigger-validation.js';

/**
 * After `pipeline.verifier.verify(body, trace.headers, trace.checked)` resolved (the exchange
 * awaits it itself: one promise less per request): the delivery joins the trace, and its trigger
 * data is checked. Throws the strict policy's `WebhookError`.
 */
export function verified(pipeline: Pipeline, trace: RequestTrace, delivery: WebhookDelivery): void {
  trace.delivery = delivery;
  trace.scope?.onDelivery?.(delivery);
  const mismatch = pipeline.checkTriggerData?.(delivery);
  if (mismatch) {
    trace.triggerMismatch = mismatch;
    if (pipeline.strictTriggerData) throw mismatchError(mismatch, delivery.id);
  }
}
