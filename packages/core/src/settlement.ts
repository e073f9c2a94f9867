/**
 * Settling an accepted delivery: record it as processed after success, release its claim after a
 * failure (so Composio's retry is processed), hold it past the handler deadline, or decide from
 * the status a verify-only adapter's own route answered. Every adapter settles through here, so
 * the rule lives once.
 */
import { isWebhookError, message, WebhookError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import { DEFAULT_LEASE_MS, type IdempotencyStore } from './idempotency.js';
import { deliveryFields, type WebhookLog } from './logger.js';
import { describe, describeError, elapsed, type ReceiverOutcome } from './outcome.js';
import {
  errorResponse,
  errorResponseFor,
  type ReceiverResponse,
  successResponse,
} from './responses.js';

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
  /** Undefined when nobody observes outcomes (no logger, `onOutcome` or instrumentation): none is built. */
  report: ((outcome: ReceiverOutcome) => void) | undefined;
  logger: WebhookLog | undefined;
  /** Runs the handlers inside the instrumentation's context (identity without instrumentation). */
  within: <T>(fn: () => T) => T;
}

export interface Settlement {
  readonly accepted: true;
  readonly delivery: WebhookDelivery;
  within<T>(fn: () => T): T;
  complete(): Promise<ReceiverResponse>;
  fail(error: unknown): Promise<ReceiverResponse>;
  settle(status: number | undefined, label?: RouteLabel): Promise<ReceiverResponse>;
  /**
   * The handlers outlived `timeoutMs`: resolves at once to the 503 answer, keeps the claim held
   * (renewed) while `pending` runs, then completes or releases it. `waitUntil` gets that work.
   */
  outlive(
    pending: Promise<unknown>,
    timeoutMs: number,
    waitUntil?: WaitUntil,
  ): Promise<ReceiverResponse>;
}

/**
 * Keeps work alive after the answer on runtimes that end a request's work once it is answered
 * (a Cloudflare Worker's `ctx.waitUntil`, Vercel's `waitUntil`): handlers still running past
 * `handlerTimeoutMs`, and the settling of their claim.
 */
export type WaitUntil = (work: Promise<unknown>) => void;

/**
 * Delays of the background retries of a `complete()` that failed (the store was briefly down):
 * about 30 s in all, so a short outage does not make a retry run handlers that succeeded.
 */
export const COMPLETE_RETRY_DELAYS_MS: readonly number[] = [
  250, 500, 1000, 2000, 4000, 8000, 15000,
];

export function createSettlement(context: SettlementContext): Settlement {
  const { delivery, store, token, storeError, started, report, logger, within } = context;
  let settled = false;
  const owned = store !== undefined && token !== undefined;

  function storeFailed(status: number, text: string, cause: unknown): void {
    if (!report) return;
    const error = new WebhookError('STORE_UNAVAILABLE', message(text), { cause });
    report({
      type: 'store-unavailable',
      status,
      code: error.code,
      error,
      durationMs: elapsed(started),
      ...describe(delivery),
    });
  }

  /** Records the delivery as processed, retrying in the background while the store is down. */
  async function record(): Promise<void> {
    if (!owned) return;
    try {
      await store.complete(delivery.id, token);
      return;
    } catch (cause) {
      if (logger) {
        logger.warn(
          message(
            `The idempotency store failed to record ${delivery.id} as processed (${describeError(cause)}); retrying in the background.`,
          ),
          { ...deliveryFields(delivery), code: 'STORE_UNAVAILABLE', err: cause },
        );
      }
    }
    retryComplete(0);
  }

  function retryComplete(attempt: number): void {
    const delay = COMPLETE_RETRY_DELAYS_MS[attempt];
    if (delay === undefined) {
      storeFailed(
        200,
        `The idempotency store failed to record ${delivery.id} as processed after ${COMPLETE_RETRY_DELAYS_MS.length + 1} tries; a later duplicate may be processed again once the claim's lease lapses.`,
        undefined,
      );
      return;
    }
    const timer = setTimeout(() => {
      (store as IdempotencyStore).complete(delivery.id, token as string).then(
        () => undefined,
        () => retryComplete(attempt + 1),
      );
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  }

  async function releaseClaim(status: number): Promise<void> {
    if (!owned) return;
    try {
      await store.release(delivery.id, token);
    } catch (cause) {
      storeFailed(
        status,
        `The idempotency store failed to release ${delivery.id}; the retry is processed once the lease expires.`,
        cause,
      );
    }
  }

  function handlerError(failure: unknown): WebhookError {
    return isWebhookError(failure)
      ? failure
      : new WebhookError(
          'HANDLER_FAILED',
          message(`The handler for ${delivery.id} failed: ${describeError(failure)}`),
          { cause: failure },
        );
  }

  const settlement: Settlement = {
    accepted: true,
    delivery,
    within,
    async complete() {
      if (settled) return successResponse(delivery.id);
      settled = true;
      if (owned) await record();
      report?.({
        type: 'processed',
        status: 200,
        durationMs: elapsed(started),
        ...describe(delivery),
        ...(storeError && { storeError }),
      });
      return successResponse(delivery.id);
    },
    async fail(failure) {
      const error = handlerError(failure);
      const response = errorResponse(error);
      if (settled) return response;
      settled = true;
      await releaseClaim(response.status);
      report?.({
        // A router that hands deliveries on (e.g. to a queue) throws STORE_UNAVAILABLE when that is down.
        type: error.code === 'STORE_UNAVAILABLE' ? 'store-unavailable' : 'handler-failed',
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
    async outlive(pending, timeoutMs, waitUntil) {
      settled = true;
      const error = new WebhookError(
        'HANDLER_TIMEOUT',
        message(
          `The handlers of ${delivery.event.type} delivery ${delivery.id} did not settle within handlerTimeoutMs (${timeoutMs} ms); answered 503 so Composio retries later. They keep running and the delivery stays claimed until they settle.`,
        ),
      );
      const response = errorResponseFor('HANDLER_TIMEOUT');
      report?.({
        type: 'timed-out',
        status: response.status,
        code: error.code,
        error,
        durationMs: elapsed(started),
        ...describe(delivery),
      });
      const stopRenewing = owned ? keepClaimed() : () => undefined;
      const settling = pending.then(
        async () => {
          stopRenewing();
          await record();
          report?.({
            type: 'processed',
            status: 200,
            durationMs: elapsed(started),
            late: true,
            ...describe(delivery),
          });
        },
        async (failure) => {
          stopRenewing();
          const late = handlerError(failure);
          await releaseClaim(late.status);
          report?.({
            type: 'handler-failed',
            status: late.status,
            code: late.code,
            error: late,
            durationMs: elapsed(started),
            late: true,
            ...describe(delivery),
          });
        },
      );
      waitUntil?.(settling);
      return response;
    },
  };

  /** Renews the claim every third of its lease until stopped. */
  function keepClaimed(): () => void {
    const s = store as IdempotencyStore;
    if (typeof s.renew !== 'function') return () => undefined;
    const every = Math.max(50, Math.floor((s.leaseMs ?? DEFAULT_LEASE_MS) / 3));
    const timer = setInterval(() => {
      (s.renew as NonNullable<IdempotencyStore['renew']>)
        .call(s, delivery.id, token as string)
        .then(
          (held) => {
            if (!held && logger) {
              logger.warn(
                message(
                  `Lost the claim of ${delivery.id} while its handlers were still running (its lease lapsed); a copy may run concurrently. Raise the store's leaseMs.`,
                ),
                deliveryFields(delivery),
              );
            }
          },
          () => undefined,
        );
    }, every);
    (timer as { unref?: () => void }).unref?.();
    return () => clearInterval(timer);
  }

  return settlement;
}
