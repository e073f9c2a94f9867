/**
 * Stage 7, answer: the response every stage's decision becomes (`../responses.ts`: the status
 * table, small JSON bodies), and what the request tells its observers, once. Each request is
 * reported as one outcome (instrumentation scope, `onOutcome`), plus one `late` outcome when
 * handlers settle after a 503. Each problem is logged as one line, with the `webhookId` (read
 * from the headers when the delivery is not verified), the `path` and the `code`; its underlying
 * error (`err`) only when there is one besides the message — never the message twice.
 */
import { isWebhookError, message, WebhookError } from '../errors.js';
import { HEADER_ID, singleHeader } from '../headers.js';
import type { RequestTrace } from '../instrumentation.js';
import { deliveryFields, type WebhookLogFields } from '../logger.js';
import type { Pipeline } from '../options.js';
import { describe, describeError, elapsed, type ReceiverOutcome } from '../outcome.js';
import { errorResponse, type ReceiverResponse } from '../responses.js';
import { describeMismatch } from '../trigger-validation.js';

/** A refused request: why, and the documented answer. */
export interface Refused {
  error: WebhookError;
  response: ReceiverResponse;
}

/** Any thrown value as a `WebhookError` (unexpected ones become `HANDLER_FAILED`). */
export function asWebhookError(error: unknown): WebhookError {
  if (isWebhookError(error)) return error;
  return new WebhookError('HANDLER_FAILED', message(`Unexpected error: ${describeError(error)}`), {
    cause: error,
  });
}

/** True when someone observes outcomes: otherwise none is built. */
export function observed(pipeline: Pipeline, trace: RequestTrace): boolean {
  return trace.scope !== undefined || trace.log !== undefined || pipeline.onOutcome !== undefined;
}

/** The answer to a request refused with `error`, reported (and logged) once. */
export function refuse(pipeline: Pipeline, trace: RequestTrace, error: unknown): Refused {
  const refused = asWebhookError(error);
  const response = errorResponse(refused);
  if (observed(pipeline, trace)) {
    const { code } = refused;
    report(pipeline, trace, {
      type:
        code === 'STORE_UNAVAILABLE'
          ? 'store-unavailable'
          : code === 'DUPLICATE_IN_FLIGHT'
            ? 'in-flight'
            : 'rejected',
      status: response.status,
      code,
      error: refused,
      durationMs: elapsed(trace.started),
      ...describe(trace.delivery),
      ...(trace.triggerMismatch && { triggerMismatch: trace.triggerMismatch }),
    });
  }
  return { error: refused, response };
}

/** Tells the scope, the log and `onOutcome` what happened. Observers never change the answer. */
export function report(pipeline: Pipeline, trace: RequestTrace, outcome: ReceiverOutcome): void {
  const { scope } = trace;
  if (scope) {
    try {
      scope.onOutcome(outcome);
    } catch {
      // Instrumentation must not change the answer.
    }
  }
  if (trace.log) logOutcome(trace, outcome);
  const { onOutcome } = pipeline;
  if (onOutcome) {
    try {
      onOutcome(outcome);
    } catch {
      // Observers must not change the answer.
    }
  }
}

/** The fields of a line about this request: who, where, which code, and the cause, if any. */
export function logFields(trace: RequestTrace, code?: string, err?: unknown): WebhookLogFields {
  const { delivery } = trace;
  const fields = deliveryFields(delivery);
  if (!delivery) {
    const id = trace.checked?.id ?? singleHeader(trace.headers, HEADER_ID);
    if (id) fields.webhookId = id;
  }
  if (code !== undefined) fields.code = code;
  if (trace.path !== undefined) fields.path = trace.path;
  if (err !== undefined) fields.err = err;
  return fields;
}

/** One line per problem: duplicates, copies in flight and successes are not problems. */
function logOutcome(trace: RequestTrace, outcome: ReceiverOutcome): void {
  const log = trace.log as NonNullable<RequestTrace['log']>;
  const { error } = outcome;
  if (!error) return;
  switch (outcome.type) {
    case 'handler-failed':
    case 'store-unavailable':
      // The cause (a handler's throw, the store's failure) carries its own stack; our message
      // already says what it means.
      log.error(error.message, logFields(trace, error.code, error.cause));
      return;
    case 'rejected':
      if (error.code === 'RAW_BODY_UNAVAILABLE')
        log.error(error.message, logFields(trace, error.code));
      else log.warn(error.message, logFields(trace, error.code));
      return;
    case 'timed-out':
      log.warn(error.message, logFields(trace, error.code));
      return;
    default:
      // 'in-flight': Composio's retry of a delivery still running, the 409 is the protocol.
      return;
  }
}

/** The `'warn'` policy's line about trigger data off its schema (the handlers still run). */
export function logMismatch(trace: RequestTrace): void {
  const { triggerMismatch, delivery, log } = trace;
  if (triggerMismatch && delivery && log) {
    log.warn(describeMismatch(triggerMismatch, delivery.id, 'warn'), logFields(trace));
  }
}

/** The `unmatchedLogLevel` line: a verified delivery no handler was registered for. */
export function logUnmatched(pipeline: Pipeline, trace: RequestTrace): void {
  const { delivery, log } = trace;
  const level = pipeline.unmatchedLogLevel;
  if (!delivery || !log || level === false) return;
  const { event } = delivery;
  const slug =
    (event as { metadata?: { trigger_slug?: unknown } }).metadata?.trigger_slug ?? undefined;
  const how =
    typeof slug === 'string'
      ? `router.onTrigger('${slug}', …)`
      : `router.on('${event.type}', …) (or onUnknown/onAny)`;
  log[level](
    message(
      `No handler matched ${event.type}${typeof slug === 'string' ? ` (${slug})` : ''} delivery ${delivery.id}: answered 200 and nothing ran. Register one with ${how}, or set unmatchedLogLevel: false if you drop these on purpose.`,
    ),
    logFields(trace),
  );
}
