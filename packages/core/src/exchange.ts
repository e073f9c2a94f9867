/**
 * The exchange: the only way a request becomes an answer, for every adapter, both modes,
 * `receiver.receive()` and the CLI's `listen`. It runs the stages in order (`stages/`, read
 * `README.md` beside this file first):
 *
 *   admit → read → verify → claim → run → settle → answer
 *
 * An adapter supplies only what its framework differs in (`exchange-types.ts`): the method, path
 * and headers, how to read the body, how to hand over (verify-only), and then writes the
 * `ExchangeResult` its way.
 */
import { WebhookConfigError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import type {
  AdapterDescription,
  AdapterOptions,
  BodyLimits,
  ExchangeHead,
  ExchangeRequest,
  ExchangeResult,
  OpenExchange,
  RouteLabel,
  WaitUntil,
  WebhookExchange,
  WebhookRefusal,
} from './exchange-types.js';
import type { WebhookHeaders } from './headers.js';
import type { IdempotencyClaim } from './idempotency.js';
import type { RequestTrace } from './instrumentation.js';
import { createWebhookLog, type WebhookLogger } from './logger.js';
import type { Pipeline } from './options.js';
import { clock, describe, elapsed } from './outcome.js';
import { errorResponseFor, type ReceiverResponse, successResponse } from './responses.js';
import { admission, precheck } from './stages/admit.js';
import { asWebhookError, logMismatch, observed, refuse, report } from './stages/answer.js';
import { claimed, claimFailed, PROCESSED } from './stages/claim.js';
import { type BodyFailure, oversize, unreadable } from './stages/read.js';
import { handOver, runHandlers } from './stages/run.js';
import { Settlement } from './stages/settle.js';
import { verified } from './stages/verify.js';
import type { WebhookBody } from './verify.js';

export type * from './exchange-types.js';
export { normalizePath } from './stages/admit.js';

/** Where route adapters (Nest, Fastify) register their route unless `path` says otherwise. */
export const DEFAULT_WEBHOOK_PATH = '/webhooks/composio';

const PASS: ExchangeResult = { type: 'pass' };
/** Refusals after which the rest of the body is not read: the connection is closed instead. */
const CLOSE_AFTER: ReadonlySet<string> = new Set(['PAYLOAD_TOO_LARGE', 'BODY_TIMEOUT']);
type HandOver = NonNullable<ExchangeRequest['handOver']>;

/** A request the method or headers answered: whatever comes next gets the same answer. */
function decided(
  result: Promise<ExchangeResult>,
  limits: BodyLimits,
): OpenExchange & { decided: Promise<ExchangeResult> } {
  return { decided: result, limits, withBody: () => result, bodyFailed: () => result };
}

/** The stages, in order, over one adapter's resolved options. */
export class Exchange implements WebhookExchange {
  readonly limits: BodyLimits;
  private readonly passed: OpenExchange & { decided: Promise<ExchangeResult> };
  private readonly notAllowed: OpenExchange & { decided: Promise<ExchangeResult> };
  private readonly label: RouteLabel;

  constructor(
    readonly pipeline: Pipeline,
    private readonly adapter: AdapterDescription,
    readonly path: string | undefined,
    readonly verifyOnly: boolean,
    private readonly onRefusal: AdapterOptions['onRefusal'],
  ) {
    this.limits = { maxBytes: pipeline.maxBodyBytes, timeoutMs: pipeline.bodyTimeoutMs };
    this.passed = decided(Promise.resolve(PASS), this.limits);
    const response = { ...errorResponseFor('METHOD_NOT_ALLOWED'), headers: { allow: 'POST' } };
    this.notAllowed = decided(Promise.resolve({ type: 'respond', response }), this.limits);
    this.label = { packageName: adapter.packageName, route: adapter.route ?? 'the route' };
  }

  handle(request: ExchangeRequest): Promise<ExchangeResult> {
    const admitted = admission(this.adapter.kind, this.path, request.method, request.path);
    if (admitted !== 'serve') return (admitted === 'pass' ? this.passed : this.notAllowed).decided;
    const trace = this.begin(request.headers, request.path, request.logger);
    return (
      this.precheck(trace) ?? this.read(trace, request.body, request.waitUntil, request.handOver)
    );
  }

  /** Stage 1, admit: the method, the path and whatever the headers alone refuse. */
  open(head: ExchangeHead): OpenExchange {
    const admitted = admission(this.adapter.kind, this.path, head.method, head.path);
    if (admitted !== 'serve') return admitted === 'pass' ? this.passed : this.notAllowed;
    const trace = this.begin(head.headers, head.path, head.logger);
    const early = this.precheck(trace);
    return early ? decided(early, this.limits) : new Opened(this, trace, head);
  }

  /** What the headers alone refuse: answered before a body byte is read, the connection closed. */
  precheck(trace: RequestTrace): Promise<ExchangeResult> | undefined {
    const early = precheck(this.pipeline.verifier, trace.headers, trace);
    return early && this.refused(trace, early, true);
  }

  /** One request's clock, instrumentation scope and logger. */
  begin(headers: WebhookHeaders, path?: string, logger?: WebhookLogger): RequestTrace {
    const { pipeline } = this;
    return {
      started: clock(),
      scope: pipeline.instrumentation?.onRequest({ headers }),
      headers,
      path,
      // A request's own logger (e.g. Fastify's request.log), unless logging is off.
      log: logger && pipeline.log ? createWebhookLog(logger) : pipeline.log,
      // Set by later stages; present from the start so every trace has one shape.
      checked: undefined,
      delivery: undefined,
      storeError: undefined,
      triggerMismatch: undefined,
    };
  }

  /** Stage 2, read, with the adapter's reader; then the rest. */
  async read(
    trace: RequestTrace,
    reader: ExchangeRequest['body'],
    waitUntil?: WaitUntil,
    route?: HandOver,
  ): Promise<ExchangeResult> {
    let body: WebhookBody;
    try {
      body = await reader(this.limits);
    } catch (error) {
      // The readers core gives adapters reject with a `WebhookError`; anything else is a bug (500).
      return this.bodyFailed(trace, asWebhookError(error));
    }
    return this.withBody(trace, body, waitUntil, route);
  }

  /** Stage 2's failure: the body could not be read. */
  bodyFailed(trace: RequestTrace, error: unknown, reason?: BodyFailure): Promise<ExchangeResult> {
    const refused = unreadable(this.adapter.packageName, this.limits, error, reason);
    return this.refused(trace, refused, CLOSE_AFTER.has(refused.code));
  }

  /** Stages 2 to 7 with the body in hand: size, verify, claim, run (or hand over), settle. */
  async withBody(
    trace: RequestTrace,
    body: WebhookBody,
    waitUntil?: WaitUntil,
    route?: HandOver,
  ): Promise<ExchangeResult> {
    const { pipeline } = this;
    const tooLarge = oversize(body, pipeline.maxBodyBytes);
    if (tooLarge) return this.refused(trace, tooLarge, false);
    let delivery: WebhookDelivery;
    let token: string | undefined | typeof PROCESSED;
    try {
      delivery = await pipeline.verifier.verify(body, trace.headers, trace.checked);
      verified(pipeline, trace, delivery);
      const { store } = pipeline;
      if (store) {
        let claim: IdempotencyClaim | undefined;
        try {
          claim = await store.claim(delivery.id);
        } catch (cause) {
          claimFailed(pipeline, trace, delivery, cause);
        }
        token = claim && claimed(claim, delivery);
      }
    } catch (error) {
      return this.refused(trace, error, false);
    }
    if (token === PROCESSED) return this.duplicate(trace, delivery);
    logMismatch(trace);
    const settlement = new Settlement(pipeline, trace, delivery, token);
    if (!this.verifyOnly) {
      return { type: 'respond', response: await runHandlers(settlement, body, waitUntil) };
    }
    if (!route) {
      throw new WebhookConfigError(
        `[${this.adapter.packageName}] This adapter cannot run without a router: pass composioWebhook({ router }).`,
      );
    }
    return handOver(settlement, route, body, this.label);
  }

  /** A verified copy of a processed delivery: 200, and not a refusal. */
  private duplicate(trace: RequestTrace, delivery: WebhookDelivery): ExchangeResult {
    const { pipeline } = this;
    if (observed(pipeline, trace)) {
      const durationMs = elapsed(trace.started);
      report(pipeline, trace, {
        type: 'duplicate',
        status: 200,
        durationMs,
        ...describe(delivery),
      });
    }
    return { type: 'respond', response: successResponse(delivery.id, true) };
  }

  /** Stage 7 for a refusal: reported and logged once, then `onRefusal`, then the answer. */
  private async refused(
    trace: RequestTrace,
    error: unknown,
    close: boolean,
  ): Promise<ExchangeResult> {
    const refusal: WebhookRefusal = refuse(this.pipeline, trace, error);
    if (close) refusal.response = closing(refusal.response);
    if (this.onRefusal) await this.onRefusal(refusal);
    return { type: 'respond', response: refusal.response };
  }
}

/** A request admitted from its headers; its body comes next. */
class Opened implements OpenExchange {
  readonly decided = undefined;
  readonly limits: BodyLimits;

  constructor(
    private readonly exchange: Exchange,
    private readonly trace: RequestTrace,
    private readonly head: ExchangeHead,
  ) {
    this.limits = exchange.limits;
  }

  withBody(body: WebhookBody): Promise<ExchangeResult> {
    const { head } = this;
    return this.exchange.withBody(this.trace, body, head.waitUntil, head.handOver);
  }

  bodyFailed(error: unknown, reason?: BodyFailure): Promise<ExchangeResult> {
    return this.exchange.bodyFailed(this.trace, error, reason);
  }
}

function closing(response: ReceiverResponse): ReceiverResponse {
  return { ...response, headers: { ...response.headers, connection: 'close' } };
}
