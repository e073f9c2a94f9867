/**
 * What an adapter and the exchange say to each other: the options every adapter takes, one
 * request as the adapter sees it, and what the adapter does next. The orchestrator is
 * `exchange.ts`; the stages are in `stages/` (see `README.md` beside this file).
 */
import type { WebhookError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import type { WebhookHeaders } from './headers.js';
import type { WebhookLogger } from './logger.js';
import type { ReceiverOptions } from './options.js';
import type { ReceiverResponse } from './responses.js';
import type { WebhookRouter } from './router.js';
import type { AdapterKind } from './stages/admit.js';
import type { BodyFailure, BodyLimits } from './stages/read.js';
import type { RouteAnswer } from './stages/run.js';
import type { RouteLabel, WaitUntil } from './stages/settle.js';
import type { WebhookBody } from './verify.js';

export type { AdapterKind, BodyFailure, BodyLimits, RouteAnswer, RouteLabel, WaitUntil };

/** The options every adapter takes, with one meaning everywhere. */
export interface AdapterOptions extends Omit<ReceiverOptions, 'router'> {
  /**
   * With a router the adapter verifies, dedupes, dispatches to your handlers and answers itself.
   * Without one (verify-only mode) it verifies and claims the delivery, hands it to your route
   * and settles it from your route's answer (2xx = processed; anything else = retried).
   */
  router?: WebhookRouter;
  /**
   * Where the webhook is served, e.g. `'/webhooks/composio'`. One rule per adapter kind:
   * middleware adapters (Express, Koa, Hono) serve `POST` at `path` and pass every other request
   * on (without `path`, every `POST` that reaches them); route adapters (Fastify, Nest) register
   * their route at `path`; handler adapters (Web, Next.js, AWS Lambda) are mounted by the
   * platform and take no `path` (see `HandlerAdapterOptions`). A missing leading `/` is added and
   * a trailing `/` is ignored.
   */
  path?: string;
  /**
   * Called with every request the adapter refuses before your handlers or route run (bad
   * signature, stale timestamp, too large, in flight, store down, …). Return to let the adapter
   * answer with the documented status and JSON body; throw (e.g. `throw refusal.error`) to hand
   * the refusal to your framework's error handling instead.
   */
  onRefusal?: (refusal: WebhookRefusal) => void | Promise<void>;
}

/** The options of handler adapters (Web, Next.js, AWS Lambda): the platform mounts them, so no `path`. */
export type HandlerAdapterOptions = Omit<AdapterOptions, 'path'>;

/** A request the adapter refused, and the answer it gives unless `onRefusal` throws. */
export interface WebhookRefusal {
  /** Why (`code`, `status`; its message says how to fix the cause). */
  error: WebhookError;
  /** The documented answer: status, JSON body, headers. */
  response: ReceiverResponse;
}

/** One request, as the adapter sees it. */
export interface ExchangeRequest {
  method: string;
  /** The request path without the query string: a middleware adapter's `path` filter, and log lines. */
  path?: string;
  headers: WebhookHeaders;
  /** This request's own logger (e.g. Fastify's `request.log`), instead of the `logger` option. */
  logger?: WebhookLogger;
  /**
   * The exact raw body, read within `limits`; rejects with a `WebhookError` (413 over
   * `maxBytes`, 408 after `timeoutMs`, 400 unreadable, 500 `RAW_BODY_UNAVAILABLE`).
   */
  body(limits: BodyLimits): Promise<WebhookBody>;
  /**
   * Verify-only mode: give the delivery to the user's route and resolve to its answer. A
   * rejection is the route's own error: the claim is released and the error is handed back.
   */
  handOver?(delivery: WebhookDelivery, body: WebhookBody): Promise<RouteAnswer>;
  /**
   * Runtimes that end a request's work once it is answered (a Worker's `ctx.waitUntil`): gets
   * the work that goes on after the answer (handlers still running past `handlerTimeoutMs`).
   */
  waitUntil?: WaitUntil;
}

/** One request by its method and headers, before its body (see `WebhookExchange.open`). */
export type ExchangeHead = Omit<ExchangeRequest, 'body'>;

/** A request whose headers the exchange has seen; its body comes next (`WebhookExchange.open`). */
export interface OpenExchange {
  /**
   * Set when the method and headers alone decided the answer (a 405, a missing signature header,
   * a stale timestamp, …): write it and read no body (it carries `connection: close`).
   */
  readonly decided: Promise<ExchangeResult> | undefined;
  /** The limits to read the body within. */
  readonly limits: BodyLimits;
  /**
   * The body the framework read: verify, dedupe, then dispatch (or hand over).
   * @remark rejects only when `onRefusal` throws.
   */
  withBody(body: WebhookBody): Promise<ExchangeResult>;
  /**
   * The framework could not read the body. `reason` says why when the adapter knows; a
   * `WebhookError` is answered as it is.
   * @remark rejects only when `onRefusal` throws.
   */
  bodyFailed(error: unknown, reason?: BodyFailure): Promise<ExchangeResult>;
}

/** What the adapter does next. */
export type ExchangeResult =
  /** Not a webhook request for us: pass it on (`next()`). */
  | { type: 'pass' }
  /** Write this answer. */
  | { type: 'respond'; response: ReceiverResponse }
  /** The user's route answered (verify-only mode): nothing more to write. */
  | { type: 'handed-over' }
  /** The user's route threw; its claim was released. Propagate `error` the framework's way. */
  | { type: 'route-failed'; error: unknown; response: ReceiverResponse };

/** How an adapter describes itself to the exchange. */
export interface AdapterDescription {
  /** Prefix of messages, e.g. `@composio-webhooks/express`. */
  packageName: string;
  /**
   * How the adapter is mounted, which decides what `path` means (one rule, here):
   * - `'middleware'` sits in a chain (Express, Koa, Hono): it serves `POST` at `path` (every
   *   `POST` without one) and passes every other request on.
   * - `'route'` registers its own route at `path` (Fastify, Nest): the exchange does not filter;
   *   other methods are answered 405 with `Allow: POST`.
   * - `'handler'` is mounted by the platform (Web, Next.js, AWS Lambda): it takes no `path` (a
   *   `path` option is an `INVALID_CONFIG` at start-up); other methods are answered 405.
   */
  kind: AdapterKind;
  /** How failure messages name the user's route in verify-only mode. */
  route?: string;
}

export interface WebhookExchange {
  /**
   * Runs one request through the stages.
   * @remark rejects only when `onRefusal` throws (with what it threw).
   */
  handle(request: ExchangeRequest): Promise<ExchangeResult>;
  /**
   * `handle` in two steps, for frameworks whose own parser reads the body (Fastify's buffer
   * parser): the method and headers now, before the framework reads a byte; then the body, or
   * why it could not be read. The same flow and answers as `handle`.
   * @remark never throws.
   */
  open(request: ExchangeHead): OpenExchange;
  /** True without a router: deliveries are handed to the user's route. */
  readonly verifyOnly: boolean;
  /** The normalised `path` option, if any (a route adapter registers its route there). */
  readonly path: string | undefined;
  /** `maxBodyBytes` and `bodyTimeoutMs`: what the adapter's reader must stay within. */
  readonly limits: BodyLimits;
}
