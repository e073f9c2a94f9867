/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what the App Router differs in.
 *
 * App Router route handlers: `@composio-webhooks/web`'s handlers, built on their first request
 * while `next build` collects route configuration (see `build-phase.ts`).
 */
import {
  type ComposioWebhookRouterOptions,
  type ComposioWebhookVerifyOptions,
  type VerifiedWebhookHandler,
  type WebhookRequestHandler,
  composioWebhook as webComposioWebhook,
  withComposioWebhook as webWithComposioWebhook,
} from '@composio-webhooks/web';
import { buildNowOrOnFirstCall } from './build-phase.js';

/**
 * An App Router route handler: verifies, dedupes, dispatches to the router and answers (405 with
 * `Allow: POST` for other methods). Works on the Node.js and Edge runtimes; `request` may be a
 * `NextRequest`. The file is the route, so it takes no `path`.
 *
 * @param options The options every adapter takes but `path`; `router` is required.
 * @example
 * ```ts
 * // app/api/webhooks/composio/route.ts
 * export const POST = composioWebhook({ router });
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/next#readme
 */
export function composioWebhook<R extends Request = Request>(
  options: ComposioWebhookRouterOptions,
): WebhookRequestHandler<R> {
  return buildNowOrOnFirstCall(() => webComposioWebhook<R>(options));
}

/**
 * Verify-only App Router route handler: your `Response` is the answer and settles the delivery
 * (2xx = processed; anything else, or a throw, and Composio's retry runs it again).
 *
 * @param handler Your handler: gets the request and the verified delivery, returns a `Response`.
 * @param options The options every adapter takes but `path` and `router`.
 * @example
 * ```ts
 * export const POST = withComposioWebhook(async (request, delivery) => Response.json({ id: delivery.id }));
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/next#verify-only-mode
 */
export function withComposioWebhook<R extends Request = Request>(
  handler: VerifiedWebhookHandler<R>,
  options?: ComposioWebhookVerifyOptions,
): WebhookRequestHandler<R> {
  return buildNowOrOnFirstCall(() => webWithComposioWebhook<R>(handler, options));
}
