/**
 * The request → response heart every adapter calls: size limit, verification, dedupe, dispatch,
 * and the status of DESIGN.md's table. `receive` never throws, whatever the request.
 */
import {
  isWebhookError,
  message,
  WebhookConfigError,
  WebhookError,
  type WebhookErrorCode,
} from './errors.js';
import type { WebhookDelivery } from './events.js';
import type { WebhookHeaders } from './headers.js';
import { type IdempotencyStore, MemoryIdempotencyStore } from './idempotency.js';
import { errorResponse, type ReceiverResponse, successResponse } from './responses.js';
import type { WebhookRouter } from './router.js';
import {
  clock,
  createSettlement,
  describe,
  describeError,
  elapsed,
  type RouteLabel,
} from './settlement.js';
import { createWebhookVerifier, type VerifierOptions, type WebhookPayload } from './verify.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookRequest {
  /** The raw body exactly as received. */
  body: WebhookPayload;
  headers: WebhookHeaders;
}

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
  | 'store-unavailable';

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
}

export interface WebhookLogger {
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

export interface ReceiverOptions extends VerifierOptions {
  router: WebhookRouter;
  /** Dedupe store; default a `MemoryIdempotencyStore`; `false` turns dedupe off. */
  idempotency?: IdempotencyStore | false;
  /** Largest accepted body in bytes (default 1 MiB); larger gets 413. */
  maxBodyBytes?: number;
  /**
   * When the idempotency store is unreachable: `false` (default) answers 503 so Composio
   * retries; `true` processes the delivery without dedupe.
   */
  failOpen?: boolean;
  /** Called once per request with its outcome. Errors it throws are ignored. */
  onOutcome?: (outcome: ReceiverOutcome) => void;
  /**
   * Where problems worth a human's attention go (handler failures, store errors, raw-body
   * set-up errors, signature failures). Default `console`; `false` for silence.
   */
  logger?: WebhookLogger | false;
}

/** The result of `accept`: either answer now, or process the delivery and then settle it. */
export type Acceptance =
  | {
      accepted: false;
      response: ReceiverResponse;
      /** Why the request was refused (its message says how to fix the cause); absent for a duplicate answered 200. */
      error?: WebhookError;
    }
  | {
      accepted: true;
      delivery: WebhookDelivery;
      /** The delivery was handled: remember it as processed. Resolves to the 200 response. */
      complete(): Promise<ReceiverResponse>;
      /** Handling failed: release the claim so the retry is processed. Resolves to the 500 response. */
      fail(error: unknown): Promise<ReceiverResponse>;
      /**
       * Settles from what the caller's own route answered (verify-only adapters): a 2xx status
       * completes; any other status, or `undefined` (the connection closed before an answer),
       * fails with `HANDLER_FAILED` so Composio's retry is processed.
       */
      settle(status: number | undefined, route?: RouteLabel): Promise<ReceiverResponse>;
    };

export interface WebhookReceiver {
  /** Verify, dedupe, dispatch to the router and answer. Never throws. */
  receive(request: WebhookRequest): Promise<ReceiverResponse>;
  /**
   * Verify and claim without dispatching (verify-only adapters): the caller runs its own handler
   * and then calls `complete()` or `fail(error)`. Never throws.
   */
  accept(request: WebhookRequest): Promise<Acceptance>;
  /** The response for an error met before `receive` (e.g. while reading the body), reported like any outcome. */
  reject(error: unknown): ReceiverResponse;
  /** The body size limit adapters must apply while reading the stream. */
  readonly maxBodyBytes: number;
}

const encoder = new TextEncoder();

export function createWebhookReceiver(options: ReceiverOptions): WebhookReceiver {
  if (options === null || typeof options !== 'object') {
    throw new WebhookConfigError(
      message('createWebhookReceiver(options) needs an options object with a router.'),
    );
  }
  const { router } = options;
  if (router === null || typeof router !== 'object' || typeof router.dispatch !== 'function') {
    throw new WebhookConfigError(
      message(
        'createWebhookReceiver needs `router`: create one with createWebhookRouter() and register handlers on it.',
      ),
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new WebhookConfigError(
      message(
        `maxBodyBytes must be a positive integer number of bytes, got ${String(maxBodyBytes)}.`,
      ),
    );
  }
  const store = resolveStore(options.idempotency);
  const failOpen = options.failOpen === true;
  const logger = options.logger === undefined ? console : options.logger;
  const onOutcome = options.onOutcome;
  const verifier = createWebhookVerifier(options);

  function report(outcome: ReceiverOutcome): void {
    if (logger) {
      const { error } = outcome;
      if (outcome.type === 'handler-failed' || outcome.code === 'RAW_BODY_UNAVAILABLE') {
        logger.error(error?.message ?? outcome.type, error?.cause ?? error);
      } else if (outcome.type === 'store-unavailable') {
        logger.error(error?.message ?? outcome.type, error?.cause);
      } else if (outcome.type === 'rejected' && error) {
        logger.warn(error.message);
      }
    }
    if (onOutcome) {
      try {
        onOutcome(outcome);
      } catch {
        // Observers must not change the answer.
      }
    }
  }

  function rejected(error: unknown, started: number, delivery?: WebhookDelivery): Acceptance {
    const webhookError = asWebhookError(error);
    const response = errorResponse(webhookError);
    report({
      type:
        webhookError.code === 'STORE_UNAVAILABLE'
          ? 'store-unavailable'
          : webhookError.code === 'DUPLICATE_IN_FLIGHT'
            ? 'in-flight'
            : 'rejected',
      status: response.status,
      code: webhookError.code,
      error: webhookError,
      durationMs: elapsed(started),
      ...describe(delivery),
    });
    return { accepted: false, response, error: webhookError };
  }

  async function accept(request: WebhookRequest): Promise<Acceptance> {
    const started = clock();
    let delivery: WebhookDelivery;
    try {
      const body = request?.body;
      if (
        (typeof body === 'string' || body instanceof Uint8Array) &&
        byteLengthOver(body, maxBodyBytes)
      ) {
        throw new WebhookError(
          'PAYLOAD_TOO_LARGE',
          message(
            `The body is over maxBodyBytes (${maxBodyBytes} bytes). Raise maxBodyBytes if your triggers send larger payloads.`,
          ),
        );
      }
      delivery = await verifier.verify(body as WebhookPayload, request?.headers ?? {});
    } catch (error) {
      return rejected(error, started);
    }

    let token: string | undefined;
    let storeError: WebhookError | undefined;
    if (store) {
      try {
        const claim = await store.claim(delivery.id);
        if (claim.status === 'completed') {
          const response = successResponse(delivery.id, true);
          report({
            type: 'duplicate',
            status: 200,
            durationMs: elapsed(started),
            ...describe(delivery),
          });
          return { accepted: false, response };
        }
        if (claim.status === 'in-flight') {
          return rejected(
            new WebhookError(
              'DUPLICATE_IN_FLIGHT',
              message(
                `Delivery ${delivery.id} is already being processed; answering 409 so Composio retries it later.`,
              ),
            ),
            started,
            delivery,
          );
        }
        token = claim.token;
      } catch (cause) {
        const error = new WebhookError(
          'STORE_UNAVAILABLE',
          message(
            `The idempotency store failed while claiming ${delivery.id}${failOpen ? '; processing without dedupe (failOpen)' : '; answering 503 so Composio retries (set failOpen: true to process without dedupe)'}.`,
          ),
          { cause },
        );
        if (!failOpen) return rejected(error, started, delivery);
        storeError = error;
        if (logger) logger.error(error.message, cause);
      }
    }

    return {
      accepted: true,
      delivery,
      ...createSettlement({ delivery, store, token, storeError, started, report }),
    };
  }

  return {
    maxBodyBytes,
    accept,
    async receive(request) {
      try {
        const acceptance = await accept(request);
        if (!acceptance.accepted) return acceptance.response;
        try {
          await router.dispatch(acceptance.delivery);
        } catch (error) {
          return await acceptance.fail(error);
        }
        return await acceptance.complete();
      } catch (error) {
        // Only reachable through a bug or a throwing custom store/router: still answer.
        return errorResponse(error);
      }
    },
    reject(error) {
      return (rejected(error, clock()) as { response: ReceiverResponse }).response;
    },
  };
}

function resolveStore(idempotency: ReceiverOptions['idempotency']): IdempotencyStore | undefined {
  if (idempotency === false) return undefined;
  if (idempotency === undefined) return new MemoryIdempotencyStore();
  if (
    idempotency === null ||
    typeof idempotency.claim !== 'function' ||
    typeof idempotency.complete !== 'function' ||
    typeof idempotency.release !== 'function'
  ) {
    throw new WebhookConfigError(
      message(
        '`idempotency` must be an IdempotencyStore (claim/complete/release), e.g. new MemoryIdempotencyStore(), or false to turn dedupe off.',
      ),
    );
  }
  return idempotency;
}

function byteLengthOver(body: WebhookPayload, max: number): boolean {
  if (typeof body !== 'string') return body.byteLength > max;
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes: only measure when the bounds do not decide.
  if (body.length > max) return true;
  if (body.length * 3 <= max) return false;
  return encoder.encode(body).byteLength > max;
}

function asWebhookError(error: unknown): WebhookError {
  if (isWebhookError(error)) return error;
  return new WebhookError('HANDLER_FAILED', message(`Unexpected error: ${describeError(error)}`), {
    cause: error,
  });
}
