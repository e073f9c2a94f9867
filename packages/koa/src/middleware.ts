/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what Koa differs in.
 *
 * `composioWebhook(options)`: Koa 2 and 3 glue over core's exchange. It says where Koa body
 * parsers keep the body, hands the delivery to `next()` in verify-only mode and writes answers
 * the Koa way; every decision (statuses, dedupe, settling, which requests are ours) is core's.
 */
import type { WebhookDelivery, WebhookRouter } from '@composio-webhooks/core';
import {
  type AdapterOptions,
  createExchange,
  type RouteAnswer,
} from '@composio-webhooks/core/adapter';
import { readRawBody } from '@composio-webhooks/core/node';
import type { DefaultContext, DefaultState, Middleware, ParameterizedContext } from 'koa';

declare module 'koa' {
  interface DefaultState {
    /** The verified delivery, set by `composioWebhook()` without a `router` before `next()`. */
    composio?: WebhookDelivery;
  }
}

const PACKAGE_NAME = '@composio-webhooks/koa';
const HOW_TO_FIX =
  'Mount composioWebhook() before any body parser, or use @koa/bodyparser (it keeps ctx.request.rawBody). See TROUBLESHOOTING.md#raw_body_unavailable.';
const UNPARSED = Symbol.for('unparsedBody');

/** `ctx.state` after `composioWebhook()` in verify-only mode: the delivery is always there. */
export interface ComposioState {
  composio: WebhookDelivery;
}
/** The options of every adapter (core's `AdapterOptions`). */
export type ComposioWebhookOptions = AdapterOptions;
export type ComposioWebhookRouterOptions = AdapterOptions & { router: WebhookRouter };
export type ComposioWebhookVerifyOptions = AdapterOptions & { router?: undefined };

type Ctx = ParameterizedContext<DefaultState, DefaultContext>;
type ParsedRequest = Ctx['request'] & { body?: unknown; rawBody?: unknown };

/**
 * Receives Composio webhooks in Koa 2 or 3. With a `router` it verifies, dedupes, dispatches and
 * answers; without one the delivery is on `ctx.state.composio` for the next middleware, whose
 * answer settles it. With `path` it serves `POST` there and passes everything else on.
 * Configuration mistakes throw `WebhookConfigError` here, at start-up.
 *
 * @param options The options every adapter takes (`router`, `path`, `secret`, `idempotency`, …).
 * @example
 * ```ts
 * app.use(composioWebhook({ router, path: '/webhooks/composio' }));
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/koa#readme
 */
export function composioWebhook(options: ComposioWebhookRouterOptions): Middleware;
export function composioWebhook(
  options?: ComposioWebhookVerifyOptions,
): Middleware<DefaultState & ComposioState>;
export function composioWebhook(options?: ComposioWebhookOptions): Middleware;
export function composioWebhook(options?: ComposioWebhookOptions): Middleware {
  const exchange = createExchange(options, {
    packageName: PACKAGE_NAME,
    kind: 'middleware',
    route: 'the middleware after composioWebhook()',
  });
  return async function composioWebhookMiddleware(ctx: Ctx, next) {
    const request = ctx.request as ParsedRequest;
    const result = await exchange.handle({
      method: ctx.method,
      path: ctx.path,
      headers: ctx.req.headers,
      body: (limits) =>
        readRawBody({
          parsedBody: request.body,
          rawBody: request.rawBody ?? unparsed(request.body),
          stream: ctx.req,
          contentLength: ctx.get('content-length') || undefined,
          limits,
          howToFix: HOW_TO_FIX,
          packageName: PACKAGE_NAME,
        }),
      async handOver(delivery, body): Promise<RouteAnswer> {
        ctx.state.composio = delivery;
        if (request.body === undefined && request.rawBody === undefined) {
          // We read the stream: leave the JSON and raw text where Koa parsers put them, so a
          // parser mounted after us skips the request instead of waiting on the stream.
          request.body = delivery.raw;
          request.rawBody = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
        }
        await next();
        return unanswered(ctx) ? 'unanswered' : ctx.status;
      },
    });
    if (result.type === 'pass') return next();
    if (result.type === 'route-failed') throw result.error;
    if (result.type === 'respond') {
      ctx.status = result.response.status;
      if (result.response.headers) ctx.set(result.response.headers);
      ctx.body = result.response.body;
    }
  } as Middleware;
}

/** koa-body keeps the raw text under `Symbol.for('unparsedBody')` on the parsed body. */
function unparsed(parsed: unknown): unknown {
  return typeof parsed === 'object' && parsed !== null
    ? (parsed as Record<symbol, unknown>)[UNPARSED]
    : undefined;
}

/** Koa's untouched default: 404, no body, status never set explicitly, nothing written. */
function unanswered(ctx: Ctx): boolean {
  return (
    ctx.respond !== false &&
    !ctx.headerSent &&
    ctx.body == null &&
    ctx.status === 404 &&
    (ctx.response as { _explicitStatus?: boolean })._explicitStatus !== true
  );
}
