/**
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
 * `export const POST = composioWebhook({ router })` in `app/.../route.ts`: verifies, dedupes,
 * dispatches to the router and answers (405 with `Allow: POST` for other methods). Works on the
 * Node.js and Edge runtimes; `request` may be a `NextRequest`.
 */
export function composioWebhook<R extends Request = Request>(
  options: ComposioWebhookRouterOptions,
): WebhookRequestHandler<R> {
  return buildNowOrOnFirstCall(() => webComposioWebhook<R>(options));
}

/**
 * `export const POST = withComposioWebhook(async (request, delivery) => Response.json(...))`:
 * verify-only; your `Response` is the answer and settles the delivery (2xx = processed).
 */
export function withComposioWebhook<R extends Request = Request>(
  handler: VerifiedWebhookHandler<R>,
  options?: ComposioWebhookVerifyOptions,
): WebhookRequestHandler<R> {
  return buildNowOrOnFirstCall(() => webWithComposioWebhook<R>(handler, options));
}
