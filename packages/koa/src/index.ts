/**
 * `@composio-webhooks/koa`: receive Composio webhooks in Koa 2 and 3.
 * Core's user kit (`@composio-webhooks/core/kit`: the router, event types, `TriggerPayloads`, the
 * dedupe store, errors) is re-exported by name, so one import is enough and
 * `declare module '@composio-webhooks/koa'` augments `TriggerPayloads`. Everything else is in
 * `@composio-webhooks/core`.
 */
export * from '@composio-webhooks/core/kit';
export {
  type ComposioState,
  type ComposioWebhookOptions,
  type ComposioWebhookRouterOptions,
  type ComposioWebhookVerifyOptions,
  composioWebhook,
} from './middleware.js';
