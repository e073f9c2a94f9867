/**
 * `composioWebhook(options)`: Koa glue around the core receiver. It reads the exact raw body,
 * hands it to core with the request headers and writes core's answer. Every decision (status
 * codes, response bodies, dedupe, dispatch, raw-body policy) is core's.
 */
import {
  createWebhookReceiver,
  createWebhookRouter,
  type ReceiverOptions,
  type ReceiverResponse,
  WebhookConfigError,
  type WebhookDelivery,
  type WebhookPayload,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { readRawBody } from '@composio-webhooks/core/node';
import type { DefaultContext, DefaultState, Middleware, ParameterizedContext } from 'koa';

export const PACKAGE_NAME = '@composio-webhooks/koa';

declare module 'koa' {
  interface DefaultState {
    /**
     * The verified delivery, set by `composioWebhook()` without a `router` (verify-only mode)
     * before it calls `next()`. Undefined on other requests.
     */
    composio?: WebhookDelivery;
  }
}

/** `ctx.state` after `composioWebhook()` in verify-only mode: the delivery is always there. */
export interface ComposioState {
  composio: WebhookDelivery;
}

/** The core receiver options, with `router` optional, plus Koa routing. */
export interface ComposioWebhookOptions extends Omit<ReceiverOptions, 'router'> {
  /**
   * Handlers to dispatch to. With a router the middleware answers the request itself; without
   * one it verifies and claims the delivery, puts it on `ctx.state.composio`, calls `next()` and
   * settles the delivery from the outcome (2xx or no answer: processed; non-2xx or a throw: the
   * claim is released so Composio's retry is processed).
   */
  router?: WebhookRouter;
  /**
   * For plain Koa (no `@koa/router`): only `POST` requests to this exact path are webhooks;
   * every other request goes on to `next()`. Leave unset when a router mounts the middleware.
   */
  path?: string;
}

/** Options of the answering mode (a `router` is given). */
export interface ComposioWebhookRouterOptions extends ComposioWebhookOptions {
  router: WebhookRouter;
}

/** Options of the verify-only mode (no `router`). */
export interface ComposioWebhookVerifyOptions extends ComposioWebhookOptions {
  router?: undefined;
}

/** Appended by core's readRawBody to its RAW_BODY_UNAVAILABLE message (which has the prefix). */
const HOW_TO_FIX =
  'Fix the Koa set-up: mount composioWebhook() before any body parser (app.use(composioWebhook(…)) first, or on its own route), or use @koa/bodyparser or koa-bodyparser, which keep ctx.request.rawBody. koa-body keeps it only with { includeUnparsed: true }. A parser that replaces ctx.request.body without keeping the raw text must skip the webhook route.';

const UNPARSED = Symbol.for('unparsedBody');

type KoaContext = ParameterizedContext<DefaultState, DefaultContext>;

/** What body parsers leave on `ctx.request` (their type augmentations are not ours to import). */
interface ParsedRequest {
  body?: unknown;
  rawBody?: unknown;
}

/**
 * Koa middleware that receives Composio webhooks.
 *
 * ```ts
 * const router = createWebhookRouter().on(ComposioEventType.TriggerMessage, (event) => {…});
 * app.use(composioWebhook({ router, path: '/webhooks/composio' }));
 * ```
 *
 * Config mistakes (no secret, a bad option) throw `WebhookConfigError` here, at start-up.
 */
export function composioWebhook(options: ComposioWebhookRouterOptions): Middleware;
export function composioWebhook(
  options?: ComposioWebhookVerifyOptions,
): Middleware<DefaultState & ComposioState>;
export function composioWebhook(options?: ComposioWebhookOptions): Middleware;
export function composioWebhook(options: ComposioWebhookOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new WebhookConfigError(
      `[${PACKAGE_NAME}] composioWebhook(options) takes an options object, e.g. composioWebhook({ router }), got ${options === null ? 'null' : typeof options}.`,
    );
  }
  const { router, path, ...receiverOptions } = options;
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
    throw new WebhookConfigError(
      `[${PACKAGE_NAME}] \`path\` must be a request path starting with "/", e.g. '/webhooks/composio', got ${JSON.stringify(path)}.`,
    );
  }
  const verifyOnly = router === undefined;
  const receiver = createWebhookReceiver({
    ...receiverOptions,
    router: verifyOnly ? createWebhookRouter() : router,
  });

  return async function composioWebhookMiddleware(ctx: KoaContext, next) {
    if (path !== undefined && (ctx.method !== 'POST' || ctx.path !== path)) return next();

    const request = ctx.request as KoaContext['request'] & ParsedRequest;
    const readItself = request.body === undefined && request.rawBody === undefined;
    let body: WebhookPayload;
    try {
      body = await readRawBody({
        parsedBody: request.body,
        rawBody: request.rawBody ?? unparsedBody(request.body),
        stream: ctx.req,
        contentType: ctx.get('content-type') || undefined,
        contentLength: ctx.get('content-length') || undefined,
        limit: receiver.maxBodyBytes,
        howToFix: HOW_TO_FIX,
        packageName: PACKAGE_NAME,
      });
    } catch (error) {
      send(ctx, receiver.reject(error));
      return;
    }
    const webhookRequest = { body, headers: ctx.req.headers };

    if (!verifyOnly) {
      send(ctx, await receiver.receive(webhookRequest));
      return;
    }

    const acceptance = await receiver.accept(webhookRequest);
    if (!acceptance.accepted) {
      // Forged, duplicate (200), in flight (409), …: answered here, `next()` never runs.
      send(ctx, acceptance.response);
      return;
    }
    ctx.state.composio = acceptance.delivery;
    if (readItself) {
      // We consumed the stream: leave the parsed JSON and raw text where Koa body parsers put
      // them, so a parser mounted after us skips the request instead of waiting on the stream.
      request.body = acceptance.delivery.raw;
      request.rawBody =
        typeof body === 'string'
          ? body
          : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    }
    try {
      await next();
    } catch (error) {
      await acceptance.fail(error);
      throw error;
    }
    if (nobodyAnswered(ctx)) {
      send(ctx, await acceptance.complete());
    } else {
      // 2xx: processed; any other status releases the claim so Composio's retry is processed.
      await acceptance.settle(ctx.status, {
        packageName: PACKAGE_NAME,
        route: 'the middleware after composioWebhook()',
      });
    }
  } as Middleware;
}

/** koa-body 6 (and older) keeps the raw text under `Symbol.for('unparsedBody')` on the parsed body. */
function unparsedBody(parsed: unknown): unknown {
  return typeof parsed === 'object' && parsed !== null
    ? (parsed as Record<symbol, unknown>)[UNPARSED]
    : undefined;
}

/** Koa's untouched default: 404, no body, status never set explicitly, nothing written. */
function nobodyAnswered(ctx: KoaContext): boolean {
  return (
    ctx.respond !== false &&
    !ctx.headerSent &&
    ctx.body == null &&
    ctx.status === 404 &&
    (ctx.response as { _explicitStatus?: boolean })._explicitStatus !== true
  );
}

function send(ctx: KoaContext, response: ReceiverResponse): void {
  ctx.status = response.status;
  if (response.headers) ctx.set(response.headers);
  ctx.body = response.body;
}
