/**
 * `@composio-webhooks/hono`: receive Composio webhooks in Hono 4, on Node, Bun, Deno and
 * Cloudflare Workers. Everything of `@composio-webhooks/core` is re-exported, so one import is
 * enough (and `declare module '@composio-webhooks/hono'` augments `TriggerPayloads`).
 */
export * from '@composio-webhooks/core';
export {
  type ComposioEnv,
  type ComposioVariables,
  type ComposioWebhookOptions,
  type ComposioWebhookRouterOptions,
  type ComposioWebhookVerifyOptions,
  composioWebhook,
} from './middleware.js';
