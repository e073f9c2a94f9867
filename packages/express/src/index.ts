/**
 * `@composio-webhooks/express`: receive Composio webhooks in Express 4 and 5.
 *
 * The core pieces an Express app needs are re-exported, so one import is enough:
 * `import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express'`.
 */

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
  type UnknownComposioEvent,
  type WebhookDelivery,
  WebhookError,
  type WebhookErrorCode,
  WebhookEventType,
  WebhookHandlerError,
  type WebhookRouter,
} from '@composio-webhooks/core';
export { keepRawBody } from './body.js';
export {
  type ComposioWebhookErrorMode,
  type ComposioWebhookOptions,
  composioWebhook,
} from './middleware.js';
