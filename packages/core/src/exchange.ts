/**
 * The whole HTTP exchange of a webhook request, written once for every adapter and both modes:
 *
 * 1. Is the request ours? (`POST`, and `path` when a middleware adapter was given one.)
 * 2. Read the exact raw body (the adapter says where it is).
 * 3. Verify, size-check, dedupe (core's receiver).
 * 4. Router mode: dispatch to the handlers and answer. Verify-only mode: hand the delivery to the
 *    user's route, observe its answer and settle from it (the one settle rule below).
 *
 * An adapter supplies only what its framework differs in: the method, path and headers, how to
 * read the body, how to hand over (verify-only), and then writes the `ExchangeResult` its way.
 *
 * The settle rule (verify-only mode): the route answered 2xx → processed (a copy then gets 200
 * duplicate); any other status, a closed connection or a throw → the claim is released so
 * Composio's retry is processed; the route passed the request on without answering (Koa's
 * `await next()` with nothing set) → processed, and the exchange answers 200 itself.
 */
import { bodyTimeout, payloadTooLarge, unreadableBody } from './body-errors.js';
import { isWebhookError, WebhookConfigError, type WebhookError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import type { WebhookHeaders } from './headers.js';
import type { WebhookLogger } from './logger.js';
import {
  asWebhookError,
  createWebhookReceiver,
  type ReceiverOptions,
  type WebhookBody,
  type WebhookReceiver,
} from './receiver.js';
import { errorResponseFor, type ReceiverResponse } from './responses.js';
import { createWebhookRouter, type WebhookRouter } from './router.js';
import type { WaitUntil } from './settlement.js';

/** Where adapters that register their own route (Nest, Fastify) serve it unless `path` says otherwise. */
export const DEFAULT_WEBHOOK_PATH = '/webhooks/composio';

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

/** How the user's route answered a handed-over delivery (verify-only mode). */
export type RouteAnswer =
  /** The status the route answered with. */
  | number
  /** The route passed the request on without answering (e.g. Koa: nothing set after `next()`). */
  | 'unanswered'
  /** The connection closed before the route answered. */
  | 'closed';

/** One request, as the adapter sees it. */
export interface ExchangeRequest {
  method: string;
  /** The request path without the query string (used when `path` is set on a middleware adapter). */
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

/**
 * Why a framework's own body reader failed, when the adapter can tell: `'too-large'` (over the
 * `bodyLimit` it was given, i.e. `maxBodyBytes`: 413) or `'timeout'` (not fully arrived within
 * `bodyTimeoutMs`: 408). Anything else is an unreadable body (400).
 */
export type BodyFailure = 'too-large' | 'timeout';

/** A request whose headers the exchange has seen; its body comes next (`WebhookExchange.open`). */
export interface OpenExchange {
  /**
   * Set when the method and headers alone decided the answer (a 405, a missing signature header,
   * a stale timestamp, …): write it and read no body (it carries `connection: close`).
   */
  readonly decided: Promise<ExchangeResult> | undefined;
  /** The limits to read the body within. */
  readonly limits: BodyLimits;
  /** The body the framework read: verify, dedupe, then dispatch (or hand over). */
  withBody(body: WebhookBody): Promise<ExchangeResult>;
  /**
   * The framework could not read the body. `reason` says why when the adapter knows; a
   * `WebhookError` is answered as it is.
   */
  bodyFailed(error: unknown, reason?: BodyFailure): Promise<ExchangeResult>;
}

/** How much body an adapter may read, and for how long. */
export interface BodyLimits {
  /** `maxBodyBytes`: more is answered 413 without reading the rest. */
  maxBytes: number;
  /** `bodyTimeoutMs`: a body still arriving after this is answered 408. */
  timeoutMs: number;
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

/** How an adapter is mounted (see `AdapterDescription.kind`). */
export type AdapterKind = 'middleware' | 'route' | 'handler';

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
  /** Runs one request through the exchange. Rejects only when `onRefusal` throws. */
  handle(request: ExchangeRequest): Promise<ExchangeResult>;
  /**
   * `handle` in two steps, for frameworks whose own parser reads the body (Fastify's buffer
   * parser): the method and headers now, before the framework reads a byte; then the body, or
   * why it could not be read. The same flow and answers as `handle`.
   */
  open(request: ExchangeHead): OpenExchange;
  /** True without a router: deliveries are handed to the user's route. */
  readonly verifyOnly: boolean;
  /** The normalised `path` option, if any. */
  readonly path: string | undefined;
  readonly receiver: WebhookReceiver;
}

const PASS: ExchangeResult = { type: 'pass' };
/** Refusals after which the rest of the body is not read: the connection is closed instead. */
const CLOSE_AFTER: ReadonlySet<string> = new Set(['PAYLOAD_TOO_LARGE', 'BODY_TIMEOUT']);

function closing(response: ReceiverResponse): ReceiverResponse {
  return { ...response, headers: { ...response.headers, connection: 'close' } };
}
const HANDED_OVER: ExchangeResult = { type: 'handed-over' };

/**
 * Builds the exchange of one adapter instance. Options are validated here, at start-up:
 * configuration mistakes throw `WebhookConfigError` prefixed with the adapter's name.
 */
export function createExchange(
  options: AdapterOptions | undefined,
  adapter: AdapterDescription,
): WebhookExchange {
  const prefix = (text: string) => `[${adapter.packageName}] ${text}`;
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw new WebhookConfigError(
      prefix(
        `composioWebhook(options) takes an options object, e.g. { router } or { secret }, got ${options === null ? 'null' : typeof options}.`,
      ),
    );
  }
  const { router, path: pathOption, onRefusal, ...receiverOptions } = options;
  if (adapter.kind === 'handler' && pathOption !== undefined) {
    throw new WebhookConfigError(
      prefix(
        `\`path\` is not an option here: the platform decides where this handler is mounted (the file's route, the function's URL), so a path would never be checked. Remove \`path: ${JSON.stringify(pathOption)}\` and mount the handler at that path instead.`,
      ),
    );
  }
  const path = normalizePath(pathOption, adapter.packageName);
  if (onRefusal !== undefined && typeof onRefusal !== 'function') {
    throw new WebhookConfigError(
      prefix(
        '`onRefusal` must be a function, e.g. onRefusal: (refusal) => { throw refusal.error } to use your error handling.',
      ),
    );
  }
  const verifyOnly = router === undefined;
  const receiver = withPrefix(adapter.packageName, () =>
    createWebhookReceiver({
      ...receiverOptions,
      router: router ?? createWebhookRouter(),
    }),
  );
  const limits: BodyLimits = {
    maxBytes: receiver.maxBodyBytes,
    timeoutMs: receiver.bodyTimeoutMs,
  };
  const routeLabel = { packageName: adapter.packageName, route: adapter.route ?? 'the route' };
  const notAllowed: ExchangeResult = {
    type: 'respond',
    response: { ...errorResponseFor('METHOD_NOT_ALLOWED'), headers: { allow: 'POST' } },
  };

  async function refuse(error: WebhookError, response: ReceiverResponse): Promise<ExchangeResult> {
    if (onRefusal) await onRefusal({ error, response });
    return { type: 'respond', response };
  }

  /** A request the method or headers answered: whatever comes next gets the same answer. */
  const decided = (result: Promise<ExchangeResult>): OpenExchange => ({
    decided: result,
    limits,
    withBody: () => result,
    bodyFailed: () => result,
  });
  const PASSED = decided(Promise.resolve(PASS));
  const NOT_ALLOWED = decided(Promise.resolve(notAllowed));

  function open(request: ExchangeHead): OpenExchange {
    // Composio only POSTs. In a middleware chain other methods belong to the app (a GET health
    // check on the same path); a route of our own answers them 405.
    if (request.method !== 'POST') return adapter.kind === 'middleware' ? PASSED : NOT_ALLOWED;
    if (path !== undefined && adapter.kind === 'middleware' && !samePath(request.path, path)) {
      return PASSED;
    }
    // Whatever the headers alone decide is answered before a body byte is read, and the
    // connection is closed rather than drained.
    const trace = receiver.begin(request.headers, request.logger);
    const early = receiver.precheck(request.headers, trace);
    if (early) return decided(refuse(early, closing(receiver.reject(early, trace))));
    return {
      decided: undefined,
      limits,
      bodyFailed(error, reason) {
        const refused =
          reason === 'too-large'
            ? payloadTooLarge(adapter.packageName, limits.maxBytes, error)
            : reason === 'timeout'
              ? bodyTimeout(adapter.packageName, limits.timeoutMs)
              : isWebhookError(error)
                ? error
                : unreadableBody(adapter.packageName, error);
        const response = receiver.reject(refused, trace);
        return refuse(refused, CLOSE_AFTER.has(refused.code) ? closing(response) : response);
      },
      async withBody(body) {
        const acceptance = await receiver.accept({ body, headers: request.headers }, trace);
        if (!acceptance.accepted) {
          // A verified duplicate is answered 200 and is not a refusal.
          if (!acceptance.error) return { type: 'respond', response: acceptance.response };
          return refuse(acceptance.error, acceptance.response);
        }
        if (!verifyOnly) {
          return { type: 'respond', response: await receiver.run(acceptance, request.waitUntil) };
        }
        if (!request.handOver) {
          throw new WebhookConfigError(
            prefix('This adapter cannot run without a router: pass composioWebhook({ router }).'),
          );
        }
        let answer: RouteAnswer;
        try {
          const { handOver } = request;
          answer = await acceptance.within(() => handOver(acceptance.delivery, body));
        } catch (error) {
          return { type: 'route-failed', error, response: await acceptance.fail(error) };
        }
        if (answer === 'unanswered') {
          return { type: 'respond', response: await acceptance.complete() };
        }
        await acceptance.settle(answer === 'closed' ? undefined : answer, routeLabel);
        return HANDED_OVER;
      },
    };
  }

  async function handle(request: ExchangeRequest): Promise<ExchangeResult> {
    const opened = open(request);
    if (opened.decided) return opened.decided;
    let body: WebhookBody;
    try {
      body = await request.body(limits);
    } catch (error) {
      // The readers core gives adapters reject with a `WebhookError`; anything else is a bug (500).
      return opened.bodyFailed(asWebhookError(error));
    }
    return opened.withBody(body);
  }

  return { handle, open, verifyOnly, path, receiver };
}

/**
 * `path` normalised one way for every adapter: a leading `/` added when missing, trailing `/`
 * removed (except for the root), and anything that is not a plain path refused at start-up.
 */
export function normalizePath(path: unknown, packageName: string): string | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path.trim() === '' || /[?#\s]/.test(path)) {
    throw new WebhookConfigError(
      `[${packageName}] \`path\` must be a URL path such as '/webhooks/composio' (no query, no spaces), got ${JSON.stringify(path)}.`,
    );
  }
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  const trimmed = withSlash.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function samePath(requestPath: string | undefined, path: string): boolean {
  if (requestPath === undefined) return true;
  if (requestPath === path) return true;
  return requestPath.length === path.length + 1 && requestPath.endsWith('/')
    ? requestPath.startsWith(path)
    : false;
}

/** Re-throws a core configuration error with the adapter's name in front of core's message. */
function withPrefix<T>(packageName: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof WebhookConfigError) {
      throw new WebhookConfigError(
        `[${packageName}] ${error.message.replace(/^\[@composio-webhooks\/core\] /, '')}`,
        { cause: error },
      );
    }
    throw error;
  }
}
