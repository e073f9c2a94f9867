/**
 * Hooks for instrumentation (tracing, metrics): a scope per request, opened before the body is
 * read, told the verified delivery, wrapping the handlers so they run inside its context (a
 * handler's own spans, HTTP calls and queries nest under it), and closed with the outcome.
 * `@composio-webhooks/otel` is built on it; core depends on no tracing library. Unused, it costs
 * one `undefined` check per step.
 */
import type { WebhookError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import type { WebhookHeaders } from './headers.js';
import type { WebhookLog } from './logger.js';
import type { ReceiverOutcome } from './outcome.js';
import type { TriggerDataMismatch } from './trigger-validation.js';
import type { CheckedHeaders } from './verify.js';

/** What an instrumentation learns when a request arrives. */
export interface WebhookRequestInfo {
  headers: WebhookHeaders;
}

export interface WebhookInstrumentation {
  /** A request arrived (nothing read yet). Return its scope, or `undefined` to ignore it. */
  onRequest(info: WebhookRequestInfo): WebhookRequestScope | undefined;
}

export interface WebhookRequestScope {
  /** The request verified as this delivery. */
  onDelivery?(delivery: WebhookDelivery): void;
  /** Runs the handlers (router mode) or the user's route (verify-only) inside the scope. */
  wrap?<T>(run: () => T): T;
  /**
   * What the request was answered with. Called once per request, and once more with `late` set
   * when handlers that outlived `handlerTimeoutMs` settle.
   */
  onOutcome(outcome: ReceiverOutcome): void;
}

/**
 * One request as it goes through the stages: its clock and scope, and what the stages learned
 * about it that a later one needs (one object per request, carried from the first byte to the
 * answer).
 */
export interface RequestTrace {
  started: number;
  scope: WebhookRequestScope | undefined;
  headers: WebhookHeaders;
  /** The request path, when the adapter knows it (for log lines). */
  path: string | undefined;
  /** Where this request's lines go: its own logger (e.g. Fastify's `request.log`) or `logger`. */
  log: WebhookLog | undefined;
  /** The headers as the admit stage read them, so verification does not read them again. */
  checked?: CheckedHeaders;
  /** The verified delivery, once the verify stage has it. */
  delivery?: WebhookDelivery;
  /** Set when the store failed at claim time and the delivery runs without dedupe (`failOpen`). */
  storeError?: WebhookError;
  /** Set when `triggerValidators` found the trigger data off its schema (policy `'warn'`). */
  triggerMismatch?: TriggerDataMismatch;
}

/** The scopes of several instrumentations, as one (the first wraps the outermost). */
export function combineInstrumentations(
  list: readonly WebhookInstrumentation[],
): WebhookInstrumentation | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return {
    onRequest(info) {
      const scopes = list
        .map((instrumentation) => instrumentation.onRequest(info))
        .filter((scope): scope is WebhookRequestScope => scope !== undefined);
      if (scopes.length === 0) return undefined;
      return {
        onDelivery: (delivery) => {
          for (const scope of scopes) scope.onDelivery?.(delivery);
        },
        wrap: <T>(run: () => T): T =>
          scopes.reduceRight<() => T>(
            (inner, scope) => (scope.wrap ? () => (scope.wrap as (r: () => T) => T)(inner) : inner),
            run,
          )(),
        onOutcome: (outcome) => {
          for (const scope of scopes) scope.onOutcome(outcome);
        },
      };
    },
  };
}
