/**
 * `@composio-webhooks/web`: receive Composio webhooks wherever a Web `Request` exists (Next.js
 * App Router, Bun, Deno, Cloudflare Workers, Node behind a fetch server). Everything of
 * `@composio-webhooks/core` is re-exported, so one import is enough (and
 * `declare module '@composio-webhooks/web'` augments `TriggerPayloads`).
 */
export * from '@composio-webhooks/core';
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
