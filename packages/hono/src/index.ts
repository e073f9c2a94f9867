/**
 * `@composio-webhooks/hono`: receive Composio webhooks in Hono 4, on Node, Bun, Deno and
 * Cloudflare Workers.
 * Core's user kit (`@composio-webhooks/core/kit`: the router, event types, `TriggerPayloads`, the
 * dedupe store, errors) is re-exported by name, so one import is enough and
 * `declare module '@composio-webhooks/hono'` augments `TriggerPayloads`. Everything else is in
 * `@composio-webhooks/core`.
 */
export * from '@composio-webhooks/core/kit';
export {
  type ComposioEnv,
  type ComposioVariables,
  type ComposioWebhookOptions,
  type ComposioWebhookRouterOptions,
  type ComposioWebhookVerifyOptions,
  composioWebhook,
} from './middleware.js';
