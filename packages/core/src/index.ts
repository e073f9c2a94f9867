export {
  isWebhookError,
  type VerificationErrorCode,
  WEBHOOK_ERROR_STATUS,
  WebhookConfigError,
  WebhookError,
  type WebhookErrorCode,
  WebhookPayloadError,
  WebhookVerificationError,
} from './errors.js';
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
} from './events.js';
export {
  HEADER_ATTEMPT,
  HEADER_ID,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  HEADER_VERSION,
  type HeaderRecord,
  type HeadersLike,
  type WebhookHeaders,
} from './headers.js';
export type { CryptoBackend } from './hmac.js';
export {
  DEFAULT_COMPLETED_TTL_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ENTRIES,
  type IdempotencyClaim,
  type IdempotencyStore,
  type IdempotencyTimings,
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  newClaimToken,
  resolveTimings,
} from './idempotency.js';
export { normalizePayload, type ParsedPayload } from './parse.js';
export {
  type Acceptance,
  createWebhookReceiver,
  DEFAULT_MAX_BODY_BYTES,
  type ReceiverOptions,
  type ReceiverOutcome,
  type ReceiverOutcomeType,
  type WebhookLogger,
  type WebhookReceiver,
  type WebhookRequest,
} from './receiver.js';
export {
  errorResponse,
  errorResponseFor,
  type ReceiverResponse,
  type ReceiverResponseBody,
  successResponse,
} from './responses.js';
export {
  createWebhookRouter,
  type RoutableEventType,
  type WebhookErrorHandler,
  type WebhookHandler,
  WebhookHandlerError,
  type WebhookRouter,
} from './router.js';
export { SECRET_ENV_VAR, type SecretFormat } from './secrets.js';
export type { RouteLabel, Settlement } from './settlement.js';
export {
  type SignedWebhook,
  type SignedWebhookHeaders,
  type SignWebhookInput,
  signWebhook,
} from './sign.js';
export {
  createWebhookVerifier,
  DEFAULT_TOLERANCE_SECONDS,
  type VerifierOptions,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookPayload,
  type WebhookVerifier,
} from './verify.js';
