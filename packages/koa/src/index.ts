// The core API a Koa app needs, so one import is enough.
export {
  type ComposioEvent,
  ComposioEventType,
  type ConnectionExpiredEvent,
  createWebhookRouter,
  type IdempotencyStore,
  isWebhookError,
  MemoryIdempotencyStore,
  type ReceiverOutcome,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type TriggerPayloads,
  type UnknownComposioEvent,
  type WebhookDelivery,
  WebhookError,
  WebhookEventType,
  type WebhookRouter,
} from '@composio-webhooks/core';
export {
  type ComposioState,
  type ComposioWebhookOptions,
  type ComposioWebhookRouterOptions,
  type ComposioWebhookVerifyOptions,
  composioWebhook,
} from './middleware.js';
