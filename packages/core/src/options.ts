/**
 * The receiver options every adapter takes, and what they resolve to once, at start-up: the
 * `Pipeline` every stage reads. Configuration mistakes throw `WebhookConfigError` here, never per
 * request.
 */
import { message, WebhookConfigError } from './errors.js';
import { type IdempotencyStore, positiveMs } from './idempotency.js';
import { isInboxRouter, routerKeepsBody } from './inbox/receiving.js';
import { combineInstrumentations, type WebhookInstrumentation } from './instrumentation.js';
import { checkLeases, createLeaseKeeper, type LeaseKeeper } from './leases.js';
import {
  createWebhookLog,
  type WebhookLog,
  type WebhookLogger,
  type WebhookLogLevel,
} from './logger.js';
import { MemoryIdempotencyStore } from './memory-store.js';
import type { ReceiverOutcome } from './outcome.js';
import type { WebhookRouter } from './router.js';
import {
  createTriggerDataCheck,
  resolveMismatchPolicy,
  type TriggerDataCheck,
  type TriggerMismatchPolicy,
  type TriggerValidators,
} from './trigger-validation.js';
import { createWebhookVerifier, type VerifierOptions, type WebhookVerifier } from './verifier.js';

/** Largest accepted body by default: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** How long handlers may run before the delivery is answered 503 (they keep running): 10 s. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 10_000;
/** How long reading a request body may take before it is answered 408: 10 s. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

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
   * Where problems worth a human's attention go, one line per problem and delivery, with its
   * `webhookId`, `path` and `code` (refusals, handler failures, store errors, raw-body set-up
   * errors, timeouts, unmatched deliveries). Default `console`; `false` for silence.
   */
  logger?: WebhookLogger | false;
  /**
   * The level of the line a delivery no handler matched gets (it is answered 200, and nothing
   * ran): `'warn'` (default: an event you subscribed to and do not handle is usually a missing
   * `router.on…`), `'info'`, or `false` for none. Router mode only.
   */
  unmatchedLogLevel?: WebhookLogLevel;
  /**
   * Handlers that have not settled after this many ms get the delivery answered 503 with
   * `Retry-After` (default 10 000; `false` = wait forever). They keep running, and the claim stays
   * held (renewed) until they settle: success then records the delivery (the retry gets 200
   * duplicate), failure releases it (the retry runs it).
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

/** The options, resolved once: what every stage reads. */
export interface Pipeline {
  readonly router: WebhookRouter;
  readonly verifier: WebhookVerifier;
  readonly store: IdempotencyStore | undefined;
  /** Renews the claims in flight; `undefined` without a store, or with one that cannot renew. */
  readonly keeper: LeaseKeeper | undefined;
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly handlerTimeoutMs: number | false;
  readonly failOpen: boolean;
  readonly onOutcome: ((outcome: ReceiverOutcome) => void) | undefined;
  readonly log: WebhookLog | undefined;
  readonly instrumentation: WebhookInstrumentation | undefined;
  readonly checkTriggerData: TriggerDataCheck | undefined;
  readonly strictTriggerData: boolean;
  /** The router is an inbox that stores the raw body with each job. */
  readonly keepsBody: boolean;
  /** The router is an inbox: a 200 means the job is queued, so the answer says `queued: true`. */
  readonly queues: boolean;
  readonly unmatchedLogLevel: WebhookLogLevel;
}

export function createPipeline(options: ReceiverOptions): Pipeline {
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
  const log = createWebhookLog(options.logger);
  // The default store's warnings go through the same logger (in its call shape).
  const store = resolveStore(
    options.idempotency,
    log ? { warn: (text: string) => log.warn(text, {}) } : false,
  );
  const handlerTimeoutMs =
    options.handlerTimeoutMs === false
      ? false
      : positiveMs(options.handlerTimeoutMs, DEFAULT_HANDLER_TIMEOUT_MS, 'handlerTimeoutMs');
  checkLeases(store, handlerTimeoutMs, options.handlerTimeoutMs !== undefined);
  const unmatchedLogLevel = options.unmatchedLogLevel ?? 'warn';
  if (unmatchedLogLevel !== 'warn' && unmatchedLogLevel !== 'info' && unmatchedLogLevel !== false) {
    throw new WebhookConfigError(
      message(
        `unmatchedLogLevel must be 'warn', 'info' or false, got ${JSON.stringify(unmatchedLogLevel)}.`,
      ),
    );
  }
  const list = options.instrumentation;
  return {
    router,
    verifier: createWebhookVerifier(options),
    store,
    keeper: createLeaseKeeper(store, log),
    maxBodyBytes,
    bodyTimeoutMs: positiveMs(options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs'),
    handlerTimeoutMs,
    failOpen: options.failOpen === true,
    onOutcome: options.onOutcome,
    log,
    instrumentation: combineInstrumentations(
      list === undefined
        ? []
        : Array.isArray(list)
          ? (list as readonly WebhookInstrumentation[])
          : [list as WebhookInstrumentation],
    ),
    // Trigger data checks (trigger-validation.ts): undefined when no validators were given.
    checkTriggerData:
      options.triggerValidators === undefined
        ? undefined
        : createTriggerDataCheck(options.triggerValidators),
    strictTriggerData: resolveMismatchPolicy(options.triggerMismatch) === 'strict',
    keepsBody: routerKeepsBody(router),
    queues: isInboxRouter(router),
    unmatchedLogLevel,
  };
}

function resolveStore(
  idempotency: ReceiverOptions['idempotency'],
  logger: { warn(text: string): void } | false,
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
