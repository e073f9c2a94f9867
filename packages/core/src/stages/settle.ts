/**
 * Stage 6, settle: what the run's end does to the claim. Success records the delivery as
 * processed (a copy then gets 200 duplicate); a failure releases the claim so Composio's retry
 * is processed; handlers that outlive `handlerTimeoutMs` are answered 503 now, and settle the
 * claim when they end. A verify-only route's status settles the same way: 2xx processed,
 * anything else (or a closed connection) released. The claim is renewed (`../leases.ts`) from
 * the moment it is taken until its handlers settle.
 */
import { isWebhookError, message, WebhookError } from '../errors.js';
import type { WebhookDelivery } from '../events.js';
import type { IdempotencyStore } from '../idempotency.js';
import type { RequestTrace } from '../instrumentation.js';
import type { HeldClaim } from '../leases.js';
import type { Pipeline } from '../options.js';
import { describe, describeError, elapsed, type ReceiverOutcome } from '../outcome.js';
import {
  errorResponse,
  errorResponseFor,
  type ReceiverResponse,
  successResponse,
} from '../responses.js';
import { observed, report } from './answer.js';
import { recordProcessed, releaseClaim } from './settle-store.js';

/**
 * Keeps work alive after the answer on runtimes that end a request's work once it is answered
 * (a Cloudflare Worker's `ctx.waitUntil`, Vercel's `waitUntil`): handlers still running past
 * `handlerTimeoutMs`, and the settling of their claim.
 */
export type WaitUntil = (work: Promise<unknown>) => void;

/** How a verify-only adapter names the route it hands deliveries to, for failure messages. */
export interface RouteLabel {
  /** Prefix of the message, e.g. `@composio-webhooks/express`. */
  packageName?: string;
  /** e.g. `the route after composioWebhook()`; a sentence starts with it as given. */
  route?: string;
}

/** One accepted delivery, from its claim to its settling. Settles once; later calls only answer. */
export class Settlement implements HeldClaim {
  heldPrev: HeldClaim | undefined = undefined;
  heldNext: HeldClaim | undefined = undefined;
  held = false;
  private settled = false;

  constructor(
    readonly pipeline: Pipeline,
    readonly trace: RequestTrace,
    readonly delivery: WebhookDelivery,
    /** The claim's token; `undefined` when nothing was claimed (no store, or `failOpen`). */
    readonly token: string | undefined,
  ) {
    if (token !== undefined) pipeline.keeper?.hold(this);
  }

  /** The handlers (or route) succeeded: record the delivery as processed; the 200 answer. */
  async complete(): Promise<ReceiverResponse> {
    const { id } = this.delivery;
    const { queues } = this.pipeline;
    if (this.settled) return successResponse(id, false, queues);
    this.settled = true;
    if (this.token !== undefined) await this.recorded(this.token);
    this.reportEnd({ type: 'processed', status: 200 });
    return successResponse(id, false, queues);
  }

  /** They failed: release the claim so the retry runs them; the 500 (or the error's) answer. */
  async fail(failure: unknown): Promise<ReceiverResponse> {
    const error = this.handlerError(failure);
    const response = errorResponse(error);
    if (this.settled) return response;
    this.settled = true;
    if (this.token !== undefined) await this.released(this.token, response.status);
    this.reportEnd({
      // A router that hands deliveries on (e.g. to a queue) throws STORE_UNAVAILABLE when that is down.
      type: error.code === 'STORE_UNAVAILABLE' ? 'store-unavailable' : 'handler-failed',
      status: response.status,
      code: error.code,
      error,
    });
    return response;
  }

  /**
   * Settles from what a verify-only route answered: a 2xx completes; any other status, or
   * `undefined` (the connection closed first), fails with `HANDLER_FAILED`.
   */
  settle(status: number | undefined, label: RouteLabel = {}): Promise<ReceiverResponse> {
    if (status !== undefined && status >= 200 && status < 300) return this.complete();
    const route = label.route ?? 'the route';
    const what =
      status === undefined
        ? `The connection closed before ${route} answered delivery ${this.delivery.id}`
        : `Delivery ${this.delivery.id} was answered ${status} by ${route}`;
    const text = `${what}; its dedupe claim was released so Composio's retry is processed.`;
    return this.fail(
      new WebhookError(
        'HANDLER_FAILED',
        label.packageName ? `[${label.packageName}] ${text}` : message(text),
      ),
    );
  }

  /**
   * The handlers outlived `timeoutMs`: the 503 answer now; the claim stays held (renewed) while
   * `pending` runs, then is recorded or released. `waitUntil` gets that work.
   */
  outlive(pending: Promise<unknown>, timeoutMs: number, waitUntil?: WaitUntil): ReceiverResponse {
    this.settled = true;
    const { delivery } = this;
    const error = new WebhookError(
      'HANDLER_TIMEOUT',
      message(
        `The handlers of ${delivery.event.type} delivery ${delivery.id} did not settle within handlerTimeoutMs (${timeoutMs} ms); answered 503 so Composio retries later. They keep running and the delivery stays claimed until they settle.`,
      ),
    );
    const response = errorResponseFor('HANDLER_TIMEOUT');
    this.reportEnd({ type: 'timed-out', status: response.status, code: error.code, error });
    const settling = pending.then(
      async () => {
        if (this.token !== undefined) await this.recorded(this.token);
        this.reportEnd({ type: 'processed', status: 200, late: true });
      },
      async (failure: unknown) => {
        const late = this.handlerError(failure);
        if (this.token !== undefined) await this.released(this.token, late.status);
        this.reportEnd({
          type: 'handler-failed',
          status: late.status,
          code: late.code,
          error: late,
          late: true,
        });
      },
    );
    waitUntil?.(settling);
    return response;
  }

  private recorded(token: string): Promise<void> {
    const { pipeline } = this;
    pipeline.keeper?.release(this);
    return recordProcessed(this, pipeline.store as IdempotencyStore, token);
  }

  private released(token: string, status: number): Promise<void> {
    const { pipeline } = this;
    pipeline.keeper?.release(this);
    return releaseClaim(this, pipeline.store as IdempotencyStore, token, status);
  }

  /** Reports how the run ended, when anyone observes outcomes (none is built otherwise). */
  reportEnd(end: Pick<ReceiverOutcome, 'type' | 'status'> & Partial<ReceiverOutcome>): void {
    const { pipeline, trace } = this;
    if (!observed(pipeline, trace)) return;
    const outcome: ReceiverOutcome = {
      ...end,
      durationMs: elapsed(trace.started),
      ...describe(this.delivery),
    };
    if (trace.storeError && !end.late) outcome.storeError = trace.storeError;
    if (trace.triggerMismatch) outcome.triggerMismatch = trace.triggerMismatch;
    report(pipeline, trace, outcome);
  }

  private handlerError(failure: unknown): WebhookError {
    if (isWebhookError(failure)) return failure;
    return new WebhookError(
      'HANDLER_FAILED',
      message(`The handler for ${this.delivery.id} failed: ${describeError(failure)}`),
      { cause: failure },
    );
  }
}
