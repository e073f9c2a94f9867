/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what the Web platform differs in.
 *
 * `composioWebhook({ router })` and `withComposioWebhook(handler)`: Web `Request` → `Response`
 * glue over core's exchange. It says where the body is (the request's stream, read once within
 * the limits), hands the delivery to the user's handler in verify-only mode and turns the
 * exchange's answer into a `Response`; every decision (statuses, dedupe, settling) is core's.
 * Nothing here, or in what it loads, imports a Node built-in.
 */
import type { WebhookDelivery, WebhookRouter } from '@composio-webhooks/core';
import {
  createExchange,
  type EntryNames,
  type ExchangeRequest,
  type ExchangeResult,
  errorResponseFor,
  type HandlerAdapterOptions,
  readWebBody,
  requireRouter,
  requireVerifyOnlyHandler,
  type WebhookExchange,
} from '@composio-webhooks/core/adapter';
import { toResponse } from './response.js';

const PACKAGE_NAME = '@composio-webhooks/web';
const ENTRY: EntryNames = {
  packageName: PACKAGE_NAME,
  handlerExample: 'async (request, delivery) => Response.json({ ok: true })',
  answer: 'Response',
};

/**
 * The options of every adapter but `path` (core's `HandlerAdapterOptions`): the runtime decides
 * where a handler is mounted, so a `path` is refused with `INVALID_CONFIG`.
 */
export type ComposioWebhookOptions = HandlerAdapterOptions;
/** `composioWebhook()` options: a router is required (verify-only is `withComposioWebhook`). */
export type ComposioWebhookRouterOptions = Omit<HandlerAdapterOptions, 'router'> & {
  router: WebhookRouter;
};
/** `withComposioWebhook()` options: everything but the router (your handler answers). */
export type ComposioWebhookVerifyOptions = Omit<HandlerAdapterOptions, 'router'>;

/**
 * What a runtime passes beside the request. A Cloudflare Worker's `ctx` (`fetch(request, env,
 * ctx)`) has `waitUntil`: pass it, so handlers still running when the 503 at `handlerTimeoutMs`
 * is sent are kept alive until they settle their claim. Anything else (Next.js's route context,
 * Bun's server, Deno's info) is accepted and ignored.
 */
export type WebhookRequestContext = { waitUntil(promise: Promise<unknown>): void } | object;

/** A Web-standard request handler: Next.js route handlers, `Bun.serve`, `Deno.serve`, Workers. */
export type WebhookRequestHandler<R extends Request = Request> = (
  request: R,
  context?: WebhookRequestContext,
) => Promise<Response>;

/**
 * Your handler in verify-only mode: it gets the request (its body already read: use
 * `delivery.event` / `delivery.raw`) and the verified delivery, and its `Response` settles the
 * delivery: 2xx = processed (a copy is then answered 200 duplicate); anything else, or a throw,
 * releases the claim so Composio's retry runs it again.
 */
export type VerifiedWebhookHandler<R extends Request = Request> = (
  request: R,
  delivery: WebhookDelivery,
) => Response | Promise<Response>;

/**
 * Receives Composio webhooks wherever a Web `Request` exists (`Bun.serve`, `Deno.serve`, a
 * Worker's `fetch`): verifies, dedupes, dispatches to the router and answers. The runtime mounts
 * it, so it takes no `path`; methods other than `POST` are answered 405 with `Allow: POST`.
 * Configuration mistakes throw `WebhookConfigError` here, at start-up.
 *
 * @param options The options every adapter takes but `path`; `router` is required.
 * @example
 * ```ts
 * Bun.serve({ port: 3000, fetch: composioWebhook({ router }) });
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/web#readme
 */
export function composioWebhook<R extends Request = Request>(
  options: ComposioWebhookRouterOptions,
): WebhookRequestHandler<R> {
  requireRouter(options, ENTRY);
  const exchange = build(options);
  return async (request, context) => answer(await exchange.handle(fromRequest(request, context)));
}

/**
 * Verify-only: verifies and claims each delivery, then calls `handler(request, delivery)`; the
 * `Response` it returns is the answer and settles the delivery (2xx = processed; otherwise
 * released). A handler that throws: released, and answered 500 `HANDLER_FAILED`.
 *
 * @param handler Your handler: gets the request and the verified delivery, returns a `Response`.
 * @param options The options every adapter takes but `path` and `router`.
 * @example
 * ```ts
 * export default { fetch: withComposioWebhook((request, delivery) => Response.json({ id: delivery.id })) };
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/web#verify-only-mode
 */
export function withComposioWebhook<R extends Request = Request>(
  handler: VerifiedWebhookHandler<R>,
  options?: ComposioWebhookVerifyOptions,
): WebhookRequestHandler<R> {
  requireVerifyOnlyHandler(handler, options, ENTRY);
  const exchange = build(options);
  return async (request, context) => {
    let routeResponse: Response | undefined;
    const result = await exchange.handle({
      ...fromRequest(request, context),
      async handOver(delivery) {
        routeResponse = await handler(request, delivery);
        if (!isResponse(routeResponse)) {
          throw new TypeError(
            `[${PACKAGE_NAME}] The withComposioWebhook() handler must return a Response, got ${routeResponse === null ? 'null' : typeof routeResponse}.`,
          );
        }
        return routeResponse.status;
      },
    });
    if (result.type === 'handed-over' && routeResponse) return routeResponse;
    return answer(result);
  };
}

function build(options: HandlerAdapterOptions | undefined): WebhookExchange {
  return createExchange(options, {
    packageName: PACKAGE_NAME,
    kind: 'handler',
    route: 'the withComposioWebhook() handler',
  });
}

/** Structural, so a `Response` of another realm (a framework's sandbox) is one too. */
function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers?.get === 'function'
  );
}

function fromRequest(
  request: Request,
  context: WebhookRequestContext | undefined,
): ExchangeRequest {
  const exchangeRequest: ExchangeRequest = {
    method: request.method,
    headers: request.headers,
    body: (limits) => readWebBody(request, limits, PACKAGE_NAME),
  };
  const waitUntil = (context as { waitUntil?: unknown } | undefined)?.waitUntil;
  if (typeof waitUntil === 'function') {
    exchangeRequest.waitUntil = (work) => waitUntil.call(context, work);
  }
  return exchangeRequest;
}

/** The exchange's answer as a `Response` ('pass' never comes from a route adapter). */
function answer(result: ExchangeResult): Response {
  return toResponse('response' in result ? result.response : errorResponseFor('HANDLER_FAILED'));
}
