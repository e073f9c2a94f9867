/**
 * `@composio-webhooks/web`: receive Composio webhooks wherever a Web `Request` exists (Next.js
 * App Router, Bun, Deno, Cloudflare Workers, Node behind a fetch server).
 * Core's user kit (`@composio-webhooks/core/kit`: the router, event types, `TriggerPayloads`, the
 * dedupe store, errors) is re-exported by name, so one import is enough and
 * `declare module '@composio-webhooks/web'` augments `TriggerPayloads`. Everything else is in
 * `@composio-webhooks/core`.
 */
export * from '@composio-webhooks/core/kit';
export {
  type ComposioWebhookOptions,
  type ComposioWebhookRouterOptions,
  type ComposioWebhookVerifyOptions,
  composioWebhook,
  type VerifiedWebhookHandler,
  type WebhookRequestContext,
  type WebhookRequestHandler,
  withComposioWebhook,
} from './handler.js';
