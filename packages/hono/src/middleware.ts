/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what Hono differs in.
 *
 * `composioWebhook(options)`: Hono 4 glue over core's exchange, on every runtime Hono runs on. It
 * says where the body is (the Web `Request`, or the bytes Hono cached when a middleware before it
 * read them), hands the delivery to the next handler in verify-only mode (`c.get('composio')`)
 * and answers with `c.json`; every decision (statuses, dedupe, settling, which requests are ours)
 * is core's.
 */
import type { WebhookDelivery, WebhookRouter } from '@composio-webhooks/core';
import {
  type AdapterOptions,
  createExchange,
  type ExchangeRequest,
  payloadTooLarge,
  type RouteAnswer,
  readWebBody,
} from '@composio-webhooks/core/adapter';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const PACKAGE_NAME = '@composio-webhooks/hono';

/** What `composioWebhook()` puts on the context in verify-only mode: `c.get('composio')`. */
export interface ComposioVariables {
  composio: WebhookDelivery;
}
/** The Hono `Env` of a verify-only route: `new Hono<ComposioEnv>()`, or inferred on the route. */
export interface ComposioEnv {
  Variables: ComposioVariables;
}

/** The options of every adapter (core's `AdapterOptions`). */
export type ComposioWebhookOptions = AdapterOptions;
export type ComposioWebhookRouterOptions = AdapterOptions & { router: WebhookRouter };
export type ComposioWebhookVerifyOptions = AdapterOptions & { router?: undefined };

/** Hono's body cache: what `c.req.text()`/`json()`/`arrayBuffer()` read, keyed by method. */
type BodyCache = Record<string, Promise<unknown> | undefined>;

/**
 * Receives Composio webhooks in Hono, on every runtime Hono runs on. With a `router` it verifies,
 * dedupes, dispatches and answers; without one the delivery is on `c.get('composio')` for the
 * next handler, whose response status settles it (errors it throws go to your `app.onError`).
 * With `path` (on `app.use`) it serves `POST` there and passes everything else on.
 * Configuration mistakes throw `WebhookConfigError` here, at start-up.
 *
 * @param options The options every adapter takes (`router`, `path`, `secret`, `idempotency`, …).
 * @example
 * ```ts
 * app.post('/webhooks/composio', composioWebhook({ router }));
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/hono#readme
 */
export function composioWebhook(options: ComposioWebhookRouterOptions): MiddlewareHandler;
export function composioWebhook(
  options?: ComposioWebhookVerifyOptions,
): MiddlewareHandler<ComposioEnv>;
export function composioWebhook(options?: ComposioWebhookOptions): MiddlewareHandler;
export function composioWebhook(options?: ComposioWebhookOptions): MiddlewareHandler {
  const exchange = createExchange(options, {
    packageName: PACKAGE_NAME,
    kind: 'middleware',
    route: 'the handler after composioWebhook()',
  });
  return async function composioWebhookMiddleware(c, next) {
    const request: ExchangeRequest = {
      method: c.req.method,
      path: c.req.path,
      headers: c.req.raw.headers,
      body: (limits) =>
        readBody(c, limits.maxBytes, () => readWebBody(c.req.raw, limits, PACKAGE_NAME)),
      async handOver(delivery, body): Promise<RouteAnswer> {
        c.set('composio', delivery);
        // Later `c.req.json()`/`text()` are served from Hono's cache instead of the spent stream.
        const cache = c.req.bodyCache as BodyCache;
        cache.arrayBuffer ??= Promise.resolve(bytesOf(body).slice().buffer);
        await next();
        if (!c.finalized) return 'unanswered';
        // The handler threw and your onError answered: whatever it answered, the work failed.
        if (c.error !== undefined && c.res.status < 300) return 500;
        return c.res.status;
      },
    };
    const waitUntil = executionWaitUntil(c);
    if (waitUntil) request.waitUntil = waitUntil;
    const result = await exchange.handle(request);
    if (result.type === 'pass') return next();
    if (result.type === 'route-failed') throw result.error;
    if (result.type === 'respond') {
      const { status, body, headers } = result.response;
      return c.json(body, status as ContentfulStatusCode, headers);
    }
  };
}

const encoder = new TextEncoder();

function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

/**
 * The request's own stream when nothing read it; otherwise what Hono cached when a middleware
 * before this one called `c.req.text()`, `json()` or `arrayBuffer()` (the raw text or bytes).
 */
async function readBody(
  c: Context,
  maxBytes: number,
  fromStream: () => Promise<Uint8Array>,
): Promise<string | Uint8Array> {
  const cache = c.req.bodyCache as BodyCache;
  if (!c.req.raw.bodyUsed || (cache.text === undefined && cache.arrayBuffer === undefined)) {
    return fromStream();
  }
  const body =
    cache.arrayBuffer !== undefined
      ? new Uint8Array((await cache.arrayBuffer) as ArrayBuffer)
      : ((await cache.text) as string);
  if (bytesOf(body).byteLength > maxBytes) throw payloadTooLarge(PACKAGE_NAME, maxBytes);
  return body;
}

/** A Worker's `ctx.waitUntil` (Hono throws when the runtime has no execution context). */
function executionWaitUntil(c: Context): ExchangeRequest['waitUntil'] {
  let context: { waitUntil?: unknown } | undefined;
  try {
    context = c.executionCtx;
  } catch {
    return undefined;
  }
  const waitUntil = context?.waitUntil;
  return typeof waitUntil === 'function'
    ? (work) => (waitUntil as (work: Promise<unknown>) => void).call(context, work)
    : undefined;
}
