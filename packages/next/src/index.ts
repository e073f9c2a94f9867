/**
 * `@composio-webhooks/next`: receive Composio webhooks in Next.js 14, 15 and 16.
 *
 * - App Router (`app/api/webhooks/composio/route.ts`): `export const POST = composioWebhook({ router })`,
 *   or `withComposioWebhook(handler)` to answer yourself: the Web handler of
 *   `@composio-webhooks/web` (Node and Edge runtimes).
 * - Pages Router (`pages/api/webhooks/composio.ts`): `export default composioApiRoute({ router });
 *   export const config = composioApiRoute.config;` (the body parser off).
 *
 * Everything of `@composio-webhooks/core` is re-exported, so one import is enough.
 */
export * from '@composio-webhooks/core';
export type {
  ComposioWebhookOptions,
  ComposioWebhookRouterOptions,
  ComposioWebhookVerifyOptions,
  VerifiedWebhookHandler,
  WebhookRequestContext,
  WebhookRequestHandler,
} from '@composio-webhooks/web';
export { composioWebhook, withComposioWebhook } from './app.js';
export {
  type ComposioApiRoute,
  type ComposioApiRouteHandler,
  type ComposioApiRouteOptions,
  composioApiRoute,
} from './pages.js';
