/**
 * The request → response heart every adapter calls: size limit, verification, dedupe, dispatch
 * with a deadline, and the status table of the README. `receive` never throws, whatever the
 * request.
 */

import { setDeadline } from './deadlines.js';
import { isWebhookError, message, WebhookConfigError, WebhookError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import { headerValues, type WebhookHeaders } from './headers.js';
import { type IdempotencyStore, MemoryIdempotencyStore } from './idempotency.js';
import {
  combineInstrumentations,
  type RequestTrace,
  type WebhookInstrumentation,
} from './instrumentation.js';
import { createWebhookLog, deliveryFields, type WebhookLogger } from './logger.js';
import { clock, describe, describeError, elapsed, type ReceiverOutcome } from './outcome.js';
import { errorResponse, type ReceiverResponse, successResponse } from './responses.js';
import type { WebhookRouter } from './router.js';
import { createSettlement, type RouteLabel, type WaitUntil } from './settlement.js';
import {
  createTriggerDataCheck,
  describeMismatch,
  mismatchError,
  resolveMismatchPolicy,
  type TriggerMismatchPolicy,
  type TriggerValidators,
} from './trigger-validation.js';
import { createWebhookVerifier, type VerifierOptions, type WebhookBody } from './verifier.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** How long handlers may run before the delivery is answered 503 (they keep running): 10 s. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 10_000;
/** How long reading a request body may take before it is answered 408: 10 s. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

export type { WebhookBody };

export interface WebhookRequest {
  /** The raw body exactly as received. */
  body: WebhookBody;
  headers: WebhookHeaders;
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
  /**
   * Handlers that have not settled after this many ms get the delivery answered 503 with
   * `Retry-After` (default 10 000; `false` = wait forever). They keep running, and the claim stays
   * held until they settle: success then records the delivery (the retry gets 200 duplicate),
   * failure releases it (the retry runs it). Keep it below your store's lease.
   */
  handlerTimeoutMs?: number | false;
  /**
   * Reading a request body may take at most this many ms (default 10 000); a body that has not
   * fully arrived by then is answered 408 and the connection closed.
   */
  bodyTimeoutMs?: number;
  /**
   * Tracing and metrics hooks (e.g. `otelInstrumentation()` of `@composio-webhooks/otel`): a
   * scope per request that wraps the handlers and sees the outcome.
   */
  instrumentation?: WebhookInstrumentation | readonly WebhookInstrumentation[];
  /**
   * Precompiled validators of trigger data, per trigger slug: the module written by
   * `composio-webhooks generate validators`. Slugs it does not list pass untouched.
   */
  triggerValidators?: TriggerValidators;
  /**
   * What a trigger whose data does not match its schema gets: `'warn'` (default) logs it, reports
   * it in `onOutcome` (`triggerMismatch`) and still runs the handlers; `'strict'` answers 400
   * `INVALID_PAYLOAD`.
   */
  triggerMismatch?: TriggerMismatchPolicy;
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
      /** Runs `fn` (the handlers or the user's route) inside the request's instrumentation scope. */
      within<T>(fn: () => T): T;
      /** Handlers outlived the deadline: 503 now, the claim held until `pending` settles. */
      outlive(
        pending: Promise<unknown>,
        timeoutMs: number,
        waitUntil?: WaitUntil,
      ): Promise<ReceiverResponse>;
    };

type Accepted = Extract<Acceptance, { accepted: true }>;

export interface WebhookReceiver {
  /** Verify, dedupe, dispatch to the router and answer. Never throws. */
  receive(request: WebhookRequest): Promise<ReceiverResponse>;
  /**
   * Runs the router's handlers for an accepted delivery under `handlerTimeoutMs` and settles it:
   * 200, 500 (released) or 503 at the deadline (held until the handlers settle). Never throws.
   * `waitUntil` receives the work that goes on after a 503 (see `WaitUntil`).
   */
  run(acceptance: Accepted, waitUntil?: WaitUntil): Promise<ReceiverResponse>;
  /**
   * What can be refused from the headers alone, before any body byte is read: missing
   * signature headers, a malformed or stale timestamp, no `v1,` signature, a compressed body, a
   * charset other than UTF-8.
   */
  precheck(headers: WebhookHeaders, trace?: RequestTrace): WebhookError | undefined;
  /** `bodyTimeoutMs`, for adapters reading the body. */
  readonly bodyTimeoutMs: number;
  /**
   * Verify and claim without dispatching (verify-only adapters): the caller runs its own handler
   * and then calls `complete()` or `fail(error)`. Never throws.
   */
  accept(request: WebhookRequest, trace?: RequestTrace): Promise<Acceptance>;
  /** Starts one request's clock and instrumentation scope (adapters call it before reading the body). */
  begin(headers: WebhookHeaders, logger?: WebhookLogger): RequestTrace;
  /** The response for an error met before `receive` (e.g. while reading the body), reported like any outcome. */
  reject(error: unknown, trace?: RequestTrace): ReceiverResponse;
  /** The body size limit adapters must apply while reading the stream. */
  readonly maxBodyBytes: number;
}

const encoder = new TextEncoder();
const identity = <T>(fn: () => T): T => fn();

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
  const logger = createWebhookLog(options.logger);
  // The default store's warnings go through the same logger (in its call shape).
  const store = resolveStore(
    options.idempotency,
    logger ? { warn: (text: string) => logger.warn(text, {}) } : false,
  );
  const handlerTimeoutMs = checkHandlerTimeout(options.handlerTimeoutMs, store);
  const bodyTimeoutMs = positiveMs(options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs');
  const failOpen = options.failOpen === true;
  const onOutcome = options.onOutcome;
  const verifier = createWebhookVerifier(options);
  // Trigger data checks (trigger-validation.ts): undefined when no validators were given.
  const checkTriggerData =
    options.triggerValidators === undefined
      ? undefined
      : createTriggerDataCheck(options.triggerValidators);
  const mismatchPolicy = resolveMismatchPolicy(options.triggerMismatch);

  const instrumentation = combineInstrumentations(
    options.instrumentation === undefined
      ? []
      : Array.isArray(options.instrumentation)
        ? (options.instrumentation as readonly WebhookInstrumentation[])
        : [options.instrumentation as WebhookInstrumentation],
  );

  function begin(headers: WebhookHeaders, requestLogger?: WebhookLogger): RequestTrace {
    const trace: RequestTrace = {
      started: clock(),
      scope: instrumentation?.onRequest({ headers }),
    };
    // A request's own logger (e.g. Fastify's request.log), unless logging is off.
    if (requestLogger && logger) trace.logger = createWebhookLog(requestLogger);
    return trace;
  }

  function report(outcome: ReceiverOutcome, trace?: RequestTrace): void {
    if (trace?.scope) {
      try {
        trace.scope.onOutcome(outcome);
      } catch {
        // Instrumentation must not change the answer.
      }
    }
    const log = trace?.logger ?? logger;
    if (log) {
      const { error } = outcome;
      const fields = outcomeFields(outcome);
      if (outcome.type === 'handler-failed' || outcome.code === 'RAW_BODY_UNAVAILABLE') {
        log.error(error?.message ?? outcome.type, { ...fields, err: error?.cause ?? error });
      } else if (outcome.type === 'store-unavailable') {
        log.error(error?.message ?? outcome.type, { ...fields, err: error?.cause });
      } else if (outcome.type === 'rejected' && error) {
        log.warn(error.message, fields);
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

  function rejected(
    error: unknown,
    trace: RequestTrace,
    delivery?: WebhookDelivery,
    extra?: Partial<ReceiverOutcome>,
  ): Acceptance {
    const webhookError = asWebhookError(error);
    const response = errorResponse(webhookError);
    report(
      {
        type:
          webhookError.code === 'STORE_UNAVAILABLE'
            ? 'store-unavailable'
            : webhookError.code === 'DUPLICATE_IN_FLIGHT'
              ? 'in-flight'
              : 'rejected',
        status: response.status,
        code: webhookError.code,
        error: webhookError,
        durationMs: elapsed(trace.started),
        ...describe(delivery),
        ...extra,
      },
      trace,
    );
    return { accepted: false, response, error: webhookError };
  }

  async function accept(
    request: WebhookRequest,
    trace: RequestTrace = begin(request?.headers ?? {}),
  ): Promise<Acceptance> {
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
      delivery = await verifier.verify(body as WebhookBody, request?.headers ?? {}, trace.checked);
    } catch (error) {
      return rejected(error, trace);
    }
    trace.scope?.onDelivery?.(delivery);

    // Trigger data against its schema: strict answers 400 before anything is claimed.
    const triggerMismatch = checkTriggerData?.(delivery);
    if (triggerMismatch && mismatchPolicy === 'strict') {
      return rejected(mismatchError(triggerMismatch, delivery.id), trace, delivery, {
        triggerMismatch,
      });
    }

    let token: string | undefined;
    let storeError: WebhookError | undefined;
    if (store) {
      try {
        const claim = await store.claim(delivery.id);
        if (claim.status === 'completed') {
          const response = successResponse(delivery.id, true);
          report(
            {
              type: 'duplicate',
              status: 200,
              durationMs: elapsed(trace.started),
              ...describe(delivery),
            },
            trace,
          );
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
            trace,
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
        if (!failOpen) return rejected(error, trace, delivery);
        storeError = error;
        const log = trace.logger ?? logger;
        if (log) {
          log.error(error.message, { ...deliveryFields(delivery), code: error.code, err: cause });
        }
      }
    }

    const log = trace.logger ?? logger;
    if (triggerMismatch && log) {
      log.warn(describeMismatch(triggerMismatch, delivery.id, 'warn'), deliveryFields(delivery));
    }
    const { scope } = trace;
    const observed = scope !== undefined || log !== undefined || onOutcome !== undefined;
    return createSettlement({
      delivery,
      store,
      token,
      storeError,
      started: trace.started,
      report: observed
        ? (outcome) => report(triggerMismatch ? { ...outcome, triggerMismatch } : outcome, trace)
        : undefined,
      logger: log,
      within: scope?.wrap
        ? <T>(fn: () => T) => (scope.wrap as NonNullable<typeof scope.wrap>)(fn)
        : identity,
    });
  }

  async function run(acceptance: Accepted, waitUntil?: WaitUntil): Promise<ReceiverResponse> {
    const dispatching = acceptance.within(() => router.dispatch(acceptance.delivery));
    if (handlerTimeoutMs === false) {
      try {
        await dispatching;
      } catch (error) {
        return acceptance.fail(error);
      }
      return acceptance.complete();
    }
    const timeoutMs = handlerTimeoutMs;
    // One deadline and one promise per delivery: whichever of the handlers and the deadline
    // comes first settles the answer.
    return new Promise<ReceiverResponse>((resolve) => {
      let answered = false;
      const timer = setDeadline(() => {
        answered = true;
        resolve(acceptance.outlive(dispatching, timeoutMs, waitUntil));
      }, timeoutMs);
      dispatching.then(
        () => {
          if (answered) return;
          answered = true;
          clearTimeout(timer);
          resolve(acceptance.complete());
        },
        (error: unknown) => {
          if (answered) return;
          answered = true;
          clearTimeout(timer);
          resolve(acceptance.fail(error));
        },
      );
    });
  }

  return {
    maxBodyBytes,
    bodyTimeoutMs,
    accept,
    begin,
    run,
    precheck(headers, trace) {
      try {
        checkEncoding(headers ?? {});
        const checked = verifier.checkHeaders(headers ?? {});
        checkCharset(headers ?? {});
        if (trace) trace.checked = checked;
        return undefined;
      } catch (error) {
        return asWebhookError(error);
      }
    },
    async receive(request) {
      try {
        const acceptance = await accept(request);
        if (!acceptance.accepted) return acceptance.response;
        return await run(acceptance);
      } catch (error) {
        // Only reachable through a bug or a throwing custom store/router: still answer.
        return errorResponse(error);
      }
    },
    reject(error, trace) {
      return (rejected(error, trace ?? begin({})) as { response: ReceiverResponse }).response;
    },
  };
}

/** The log fields of an outcome: the delivery it is about and its error code. */
function outcomeFields(outcome: ReceiverOutcome) {
  const fields: ReturnType<typeof deliveryFields> = {};
  if (outcome.id !== undefined) fields.webhookId = outcome.id;
  if (outcome.eventType !== undefined) fields.eventType = outcome.eventType;
  if (outcome.attempt !== undefined) fields.attempt = outcome.attempt;
  if (outcome.code !== undefined) fields.code = outcome.code;
  return fields;
}

/**
 * Composio sends identity-encoded JSON. A compressed body is refused the same way on every
 * adapter (415), whether or not a framework would have inflated it: the signature covers the
 * bytes as sent, and inflating untrusted input before verifying it is a decompression-bomb risk.
 */
function checkEncoding(headers: WebhookHeaders): void {
  // The common case first, without scanning every header name: Node lower-cases incoming names.
  const present =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('content-encoding') !== null
      : (headers as Record<string, unknown>)['content-encoding'] !== undefined;
  if (!present) return;
  const values = headerValues(headers, 'content-encoding');
  for (const value of values) {
    for (const coding of value.split(',')) {
      const name = coding.trim().toLowerCase();
      if (name !== '' && name !== 'identity') {
        throw new WebhookError(
          'UNSUPPORTED_ENCODING',
          message(
            `Content-Encoding "${name}" is not accepted: Composio sends identity-encoded JSON and signs the bytes as sent. A proxy that compresses requests must skip this route.`,
          ),
        );
      }
    }
  }
}

const UTF8 = /^utf-?8$/i;

/**
 * Composio sends UTF-8 JSON; a body declared in another charset cannot be verified and then
 * parsed safely, so it is refused (400) from the header, on every adapter, before it is read.
 */
function checkCharset(headers: WebhookHeaders): void {
  const contentType = headerValues(headers, 'content-type')[0];
  // No parameters (`application/json`, the common case): no charset to check.
  if (!contentType?.includes(';')) return;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  if (match && !UTF8.test(match[1] as string)) {
    throw new WebhookError(
      'INVALID_PAYLOAD',
      message(`Unsupported charset "${match[1]}": Composio webhooks are UTF-8 JSON.`),
    );
  }
}

function checkHandlerTimeout(value: unknown, store: IdempotencyStore | undefined): number | false {
  if (value === false) return false;
  const timeout = positiveMs(value, DEFAULT_HANDLER_TIMEOUT_MS, 'handlerTimeoutMs');
  const lease = store?.leaseMs;
  if (value !== undefined && typeof lease === 'number' && timeout >= lease) {
    throw new WebhookConfigError(
      message(
        `handlerTimeoutMs (${timeout} ms) must be shorter than the idempotency store's leaseMs (${lease} ms), or a copy could run while the first run is still being answered. Lower handlerTimeoutMs or raise the store's leaseMs.`,
      ),
    );
  }
  return timeout;
}

function positiveMs(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new WebhookConfigError(
      message(`${name} must be a positive number of milliseconds, got ${String(value)}.`),
    );
  }
  return value;
}

function resolveStore(
  idempotency: ReceiverOptions['idempotency'],
  logger: Pick<WebhookLogger, 'warn'> | false,
): IdempotencyStore | undefined {
  if (idempotency === false) return undefined;
  // The default store warns through the receiver's logger (and is silent with logger: false).
  if (idempotency === undefined) return new MemoryIdempotencyStore({ logger });
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

function byteLengthOver(body: WebhookBody, max: number): boolean {
  if (typeof body !== 'string') return body.byteLength > max;
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes: only measure when the bounds do not decide.
  if (body.length > max) return true;
  if (body.length * 3 <= max) return false;
  return encoder.encode(body).byteLength > max;
}

/** Any thrown value as a `WebhookError` (unexpected ones become `HANDLER_FAILED`). */
export function asWebhookError(error: unknown): WebhookError {
  if (isWebhookError(error)) return error;
  return new WebhookError('HANDLER_FAILED', message(`Unexpected error: ${describeError(error)}`), {
    cause: error,
  });
}
