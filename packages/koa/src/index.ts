/**
 * `@composio-webhooks/koa`: receive Composio webhooks in Koa 2 and 3. Everything of
 * `@composio-webhooks/core` is re-exported, so one import is enough (and
 * `declare module '@composio-webhooks/koa'` augments `TriggerPayloads`).
 */
export * from '@composio-webhooks/core';
export {
  type ComposioState,
  type ComposioWebhookOptions,
  type ComposioWebhookRouterOptions,
  type ComposioWebhookVerifyOptions,
  composioWebhook,
} from './middleware.js';
