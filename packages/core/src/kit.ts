/**
 * `@composio-webhooks/core/kit`: the user kit every adapter re-exports
 * (`export * from '@composio-webhooks/core/kit'`), so one import from the adapter is enough and
 * `declare module '@composio-webhooks/<adapter>' { interface TriggerPayloads { … } }` augments
 * the same interface core types trigger data with.
 *
 * Written by hand, in the order a delivery meets them: route it, type it, dedupe it, observe the
 * answer, and the errors. Signing test deliveries is in `@composio-webhooks/core/testing`;
 * everything else a user may need is in `@composio-webhooks/core`.
 */
// biome-ignore-all assist/source/organizeImports: the order is the pipeline's, written by hand

// route: handlers by event type or trigger slug
export {
  createWebhookRouter,
  type WebhookHandler,
  type WebhookRouter,
} from './router.js';
// events: what the handlers get
export {
  WebhookEventType,
  type ComposioEvent,
  type TriggerMessageEvent,
  type ConnectionExpiredEvent,
  type TriggerDisabledEvent,
  type UnknownComposioEvent,
  type TriggerPayloads,
  type WebhookDelivery,
} from './events.js';
// dedupe on webhook-id
export type { IdempotencyStore } from './idempotency.js';
export { MemoryIdempotencyStore } from './memory-store.js';
// the answer: refusals (`onRefusal`), outcomes (`onOutcome`), logs (`logger`)
export type { WebhookRefusal } from './exchange.js';
export type { ReceiverOutcome } from './outcome.js';
export type { WebhookLogger } from './logger.js';
// errors: one family, a stable code and status
export {
  WebhookError,
  isWebhookError,
  WebhookVerificationError,
  WebhookPayloadError,
  WebhookConfigError,
  WebhookHandlerError,
  type WebhookErrorCode,
} from './errors.js';
