/**
 * Settling an accepted delivery: record it as processed after success, release its claim after a
 * failure (so Composio's retry is processed), or decide from the status a verify-only adapter's
 * own route answered. Every adapter settles through here, so the rule lives once.
 */
import { isWebhookError, message, WebhookError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import type { IdempotencyStore } from './idempotency.js';
import type { ReceiverOutcome } from './receiver.js';
import { errorResponse, type ReceiverResponse, successResponse } from './responses.js';

/** How a verify-only adapter names the route it hands deliveries to, for failure messages. */
export interface RouteLabel {
  /** Prefix of the message, e.g. `@composio-webhooks/express`. */
  packageName?: string;
  /** e.g. `the route after composioWebhook()`. */
  route?: string;
}

export interface SettlementContext {
  delivery: WebhookDelivery;
  store: IdempotencyStore | undefined;
  token: string | undefined;
  /** Set when the store failed at claim time and the delivery runs without dedupe (failOpen). */
  storeError: WebhookError | undefined;
  started: number;
  report: (outcome: ReceiverOutcome) => void;
}

export interface Settlement {
  complete(): Promise<ReceiverResponse>;
  fail(error: unknown): Promise<ReceiverResponse>;
  settle(status: number | undefined, label?: RouteLabel): Promise<ReceiverResponse>;
}

export function createSettlement(context: SettlementContext): Settlement {
  const { delivery, store, token, storeError, started, report } = context;
  let settled = false;
  const settlement: Settlement = {
    async complete() {
      if (settled) return successResponse(delivery.id);
      settled = true;
      if (store && token !== undefined) {
        try {
          await store.complete(delivery.id, token);
        } catch (cause) {
          // Handlers ran: still 200. The lease expires and a later duplicate may run again.
          const error = new WebhookError(
            'STORE_UNAVAILABLE',
            message(
              `The idempotency store failed to record ${delivery.id} as processed; a later duplicate may be processed again.`,
            ),
            { cause },
          );
          report({
            type: 'store-unavailable',
            status: 200,
            code: error.code,
            error,
            durationMs: elapsed(started),
            ...describe(delivery),
          });
        }
      }
      report({
        type: 'processed',
        status: 200,
        durationMs: elapsed(started),
        ...describe(delivery),
        ...(storeError && { storeError }),
      });
      return successResponse(delivery.id);
    },
    async fail(failure) {
      const error = isWebhookError(failure)
        ? failure
        : new WebhookError(
            'HANDLER_FAILED',
            message(`The handler for ${delivery.id} failed: ${describeError(failure)}`),
            { cause: failure },
          );
      const response = errorResponse(error);
      if (settled) return response;
      settled = true;
      if (store && token !== undefined) {
        try {
          await store.release(delivery.id, token);
        } catch (cause) {
          const storeError = new WebhookError(
            'STORE_UNAVAILABLE',
            message(
              `The idempotency store failed to release ${delivery.id}; the retry is processed once the lease expires.`,
            ),
            { cause },
          );
          report({
            type: 'store-unavailable',
            status: response.status,
            code: storeError.code,
            error: storeError,
            durationMs: elapsed(started),
            ...describe(delivery),
          });
        }
      }
      report({
        type: 'handler-failed',
        status: response.status,
        code: error.code,
        error,
        durationMs: elapsed(started),
        ...describe(delivery),
        ...(storeError && { storeError }),
      });
      return response;
    },
    settle(status, label = {}) {
      if (status !== undefined && status >= 200 && status < 300) return settlement.complete();
      const route = label.route ?? 'the route';
      const what =
        status === undefined
          ? `The connection closed before ${route} answered delivery ${delivery.id}`
          : `${route.charAt(0).toUpperCase()}${route.slice(1)} answered ${status} for delivery ${delivery.id}`;
      const text = `${what}; its dedupe claim was released so Composio's retry is processed.`;
      return settlement.fail(
        new WebhookError(
          'HANDLER_FAILED',
          label.packageName ? `[${label.packageName}] ${text}` : message(text),
        ),
      );
    },
  };
  return settlement;
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
