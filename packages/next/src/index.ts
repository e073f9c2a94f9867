/**
 * `@composio-webhooks/next`: receive Composio webhooks in Next.js 14, 15 and 16.
 *
 * - App Router (`app/api/webhooks/composio/route.ts`): `export const POST = composioWebhook({ router })`,
 *   or `withComposioWebhook(handler)` to answer yourself: the Web handler of
 *   `@composio-webhooks/web` (Node and Edge runtimes).
 * - Pages Router (`pages/api/webhooks/composio.ts`): `export default composioApiRoute({ router });
 *   export const config = composioApiRoute.config;` (the body parser off).
 *
 * Core's user kit (`@composio-webhooks/core/kit`: the router, event types, `TriggerPayloads`, the
 * dedupe store, errors) is re-exported by name, so one import is enough and
 * `declare module '@composio-webhooks/next'` augments `TriggerPayloads`. Everything else is in
 * `@composio-webhooks/core`.
 */
export * from '@composio-webhooks/core/kit';
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
