/**
 * `@composio-webhooks/core`: what a user needs, written by hand in the order a delivery meets it:
 * verify → events → route → receive (options, answers, outcomes, logs) → dedupe → errors. How the
 * code is laid out: `README.md` beside this file.
 *
 * Adapters re-export the smaller user kit (`@composio-webhooks/core/kit`). What only adapters,
 * stores and engines need is in `@composio-webhooks/core/adapter`; test helpers and the
 * conformance suite in `@composio-webhooks/core/testing`.
 */
// biome-ignore-all assist/source/organizeImports: the order is the pipeline's, written by hand

// verify: the signature over the exact bytes, the timestamp, the payload
export {
  verifyWebhook,
  createWebhookVerifier,
  type VerifierOptions,
  type WebhookVerifier,
  type WebhookBody,
} from './verifier.js';
export type { WebhookHeaders } from './headers.js';
export type { SecretFormat } from './secrets.js';
export { signWebhook } from './sign.js';

// events: validated, V3-shaped, typed
export {
  WebhookEventType,
  ComposioEventType,
  type ComposioEvent,
  type TriggerMessageEvent,
  type ConnectionExpiredEvent,
  type TriggerDisabledEvent,
  type TriggerDisabledReason,
  type ConnectedAccount,
  type ConnectionState,
  type UnknownComposioEvent,
  type WebhookDelivery,
  type TriggerPayloads,
  type TriggerData,
  type KnownTriggerSlug,
  isTriggerMessage,
  isConnectionExpired,
  isTriggerDisabled,
  isUnknownEvent,
} from './events.js';

// route: handlers by event type or trigger slug
export {
  createWebhookRouter,
  type WebhookRouter,
  type WebhookHandler,
} from './router.js';

// receive: the exchange every adapter runs, in process
export { createWebhookReceiver, type ReceiverOptions, type WebhookReceiver } from './receiver.js';
export type { AdapterOptions, WebhookRefusal } from './exchange.js';
export type { ReceiverResponse } from './responses.js';
export type { ReceiverOutcome } from './outcome.js';
export type { WebhookLogger } from './logger.js';
export type { TriggerValidators, TriggerMismatchPolicy } from './trigger-validation.js';

// dedupe on webhook-id
export type { IdempotencyStore, IdempotencyClaim } from './idempotency.js';
export { MemoryIdempotencyStore } from './memory-store.js';
export type { MemoryIdempotencyStoreOptions } from './idempotency.js';

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
