/**
 * What happened to one request, for logs and metrics: the outcome every receiver reports once,
 * and the small helpers that describe a delivery in it. Never holds the secret or the body.
 */
import type { WebhookError, WebhookErrorCode } from './errors.js';
import type { WebhookDelivery } from './events.js';
import type { TriggerDataMismatch } from './trigger-validation.js';

export type ReceiverOutcomeType =
  /** Verified and every handler succeeded (200). */
  | 'processed'
  /** Verified duplicate of a processed delivery; handlers not called (200). */
  | 'duplicate'
  /** Duplicate of a delivery still being processed (409). */
  | 'in-flight'
  /** Failed verification, unusable payload, too large, or raw body unavailable (4xx/500). */
  | 'rejected'
  /** A handler threw (500); the claim was released so the retry is processed. */
  | 'handler-failed'
  /** The idempotency store failed (503, or processed without dedupe when `failOpen`). */
  | 'store-unavailable'
  /** Handlers outlived `handlerTimeoutMs` (503); a later `processed`/`handler-failed` has `late`. */
  | 'timed-out';

/** What happened to one request: for logs and metrics. Never holds the secret or the body. */
export interface ReceiverOutcome {
  type: ReceiverOutcomeType;
  status: number;
  /** `webhook-id`, once verified. */
  id?: string;
  eventType?: string;
  attempt?: number;
  code?: WebhookErrorCode;
  /** The detailed error (its message says how to fix the cause). */
  error?: WebhookError;
  /** Set when the store failed and the delivery was processed without dedupe (`failOpen`). */
  storeError?: WebhookError;
  durationMs: number;
  /** Set on the outcome of handlers that settled after their delivery was answered 503 (`timed-out`). */
  late?: true;
  /** Set when `triggerValidators` found the trigger data off its schema (slug, pointer, version). */
  triggerMismatch?: TriggerDataMismatch;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function describe(delivery: WebhookDelivery | undefined): Partial<ReceiverOutcome> {
  if (!delivery) return {};
  const described: Partial<ReceiverOutcome> = { id: delivery.id, eventType: delivery.event.type };
  if (delivery.attempt !== undefined) described.attempt = delivery.attempt;
  return described;
}

export const clock = (): number =>
  globalThis.performance ? globalThis.performance.now() : Date.now();

export function elapsed(started: number): number {
  return clock() - started;
}
