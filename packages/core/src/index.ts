/**
 * `@composio-webhooks/core`: what a user needs, in the order data flows —
 * verify → events → route → respond (receiver, dedupe) → errors. Adapters re-export all of it.
 * What only adapters and stores need is in `@composio-webhooks/core/adapter`; test helpers in
 * `@composio-webhooks/core/testing`.
 */

// errors
export {
  isWebhookError,
  type VerificationErrorCode,
  WebhookConfigError,
  WebhookError,
  type WebhookErrorCode,
  WebhookHandlerError,
  WebhookPayloadError,
  WebhookVerificationError,
} from './errors.js';
// events
export {
  type AuthScheme,
  type ComposioEvent,
  type ComposioEventOf,
  ComposioEventType,
  type ConnectedAccount,
  type ConnectedAccountStatus,
  type ConnectionExpiredEvent,
  isConnectionExpired,
  isKnownEventType,
  isTriggerDisabled,
  isTriggerMessage,
  isUnknownEvent,
  type KnownComposioEvent,
  type KnownComposioEventType,
  type KnownTriggerSlug,
  type KnownWebhookEventType,
  type PayloadVersion,
  type TriggerData,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type TriggerMessageMetadata,
  type TriggerPayloads,
  type UnknownComposioEvent,
  type UnknownComposioEventType,
  type WebhookDelivery,
  WebhookEventType,
  type WebhookVersion,
} from './events.js';
// respond: the receiver every adapter runs, its options and what it reports
export {
  type AdapterOptions,
  DEFAULT_WEBHOOK_PATH,
  type HandlerAdapterOptions,
  type WebhookRefusal,
} from './exchange.js';
export type { WebhookHeaders } from './headers.js';
// verify
export type { CryptoBackend } from './hmac.js';
// dedupe
export {
  DEFAULT_COMPLETED_TTL_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ENTRIES,
  type IdempotencyClaim,
  type IdempotencyStore,
  type IdempotencyTimings,
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
} from './idempotency.js';
export type {
  WebhookInstrumentation,
  WebhookRequestInfo,
  WebhookRequestScope,
} from './instrumentation.js';
export type { WebhookLogFields, WebhookLogger } from './logger.js';
export type { ReceiverOutcome, ReceiverOutcomeType } from './outcome.js';
export {
  createWebhookReceiver,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  type ReceiverOptions,
  type WebhookReceiver,
  type WebhookRequest,
} from './receiver.js';
export type { ReceiverResponse, ReceiverResponseBody } from './responses.js';
// route
export {
  createWebhookRouter,
  type RoutableEventType,
  type WebhookErrorHandler,
  type WebhookHandler,
  type WebhookRouter,
} from './router.js';
export { SECRET_ENV_VAR, type SecretFormat } from './secrets.js';
export { type SignedWebhook, type SignWebhookInput, signWebhook } from './sign.js';
export {
  createTriggerDataCheck,
  type TriggerDataCheck,
  type TriggerDataMismatch,
  type TriggerDataValidateFunction,
  type TriggerMismatchPolicy,
  type TriggerValidationError,
  type TriggerValidator,
  type TriggerValidators,
} from './trigger-validation.js';
export {
  createWebhookVerifier,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifierOptions,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookBody,
  type WebhookPayload,
  type WebhookVerifier,
} from './verifier.js';
