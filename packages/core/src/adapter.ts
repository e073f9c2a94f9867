/**
 * `@composio-webhooks/core/adapter`: the adapter kit — what adapters, stores and inbox engines
 * need, and users do not (they import from the package root, or from their adapter, which
 * re-exports `@composio-webhooks/core/kit`). How to write an adapter: core's README, "Adapters".
 *
 * An adapter builds one exchange per instance with `createExchange(options, description)` and,
 * per request, passes the method, path, headers, a body reader and (verify-only) a hand-over;
 * then writes the `ExchangeResult` the framework's way. Every decision is the exchange's. An
 * adapter is done when it passes the conformance suite
 * (`@composio-webhooks/core/testing/conformance`).
 *
 * Each group states its failure contract; names marked `@internal` are shared between this
 * project's packages and may change in a minor version.
 */
// biome-ignore-all assist/source/organizeImports: grouped by what an adapter does, by hand

// The exchange. createExchange(options, description) throws WebhookConfigError at start-up;
// handle() and an OpenExchange's withBody()/bodyFailed() reject only when onRefusal throws;
// open() never throws.
export { createExchange } from './create-exchange.js';
// Start-up checks of the router-mode and verify-only entry points (handler adapters).
export { type EntryNames, requireRouter, requireVerifyOnlyHandler } from './entry-checks.js';
export {
  type AdapterDescription,
  type AdapterKind,
  type AdapterOptions,
  type HandlerAdapterOptions,
  type WebhookExchange,
  type ExchangeRequest,
  type ExchangeHead,
  type OpenExchange,
  type ExchangeResult,
  type BodyLimits,
  type BodyFailure,
  type RouteAnswer,
  type RouteLabel,
  type WaitUntil,
  normalizePath,
} from './exchange.js';
// Reading the body. readWebBody rejects with a WebhookError only (413, 408, 400, 500), as do the
// readers of `@composio-webhooks/core/node`; payloadTooLarge never throws.
export { readWebBody, type WebBodySource } from './web-body.js';
export { payloadTooLarge } from './body-errors.js';
export {
  HEADER_ID,
  HEADER_TIMESTAMP,
  HEADER_SIGNATURE,
  HEADER_VERSION,
  HEADER_ATTEMPT,
  type HeaderRecord,
  type HeadersLike,
} from './headers.js';
// Answers and messages: pure, never throw.
export { errorResponse, errorResponseFor, successResponse } from './responses.js';
export { message, WEBHOOK_ERROR_STATUS } from './errors.js';
/** @internal Any thrown value as a WebhookError; never throws. */
export { asWebhookError } from './stages/answer.js';
// Logging in the user's logger's call shape: never throws.
export { createWebhookLog, deliveryFields, type WebhookLog } from './logger.js';
/** @internal One request's state through the stages. */
export type { RequestTrace } from './instrumentation.js';
/** @internal setTimeout for per-request deadlines (deadlines.ts); never throws. */
export { setDeadline } from './deadlines.js';
// Stores. resolveTimings throws WebhookConfigError for a bad leaseMs/completedTtlMs.
export { newClaimToken, resolveTimings } from './idempotency.js';
/** @internal Throws WebhookPayloadError for a body that is not a Composio payload. */
export { normalizePayload, type ParsedPayload } from './parse.js';
// Extension points beside adapters (stores, instrumentations, generated types, the CLI): the
// types and defaults they are written against. Values, never throw.
export { DEFAULT_WEBHOOK_PATH } from './exchange.js';
export type { ReceiverResponseBody } from './responses.js';
export {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  type WebhookRequest,
} from './receiver.js';
export { DEFAULT_TOLERANCE_SECONDS } from './verifier.js';
export { SECRET_ENV_VAR } from './secrets.js';
export {
  DEFAULT_COMPLETED_TTL_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ENTRIES,
  type IdempotencyTimings,
} from './idempotency.js';
export type {
  WebhookInstrumentation,
  WebhookRequestInfo,
  WebhookRequestScope,
} from './instrumentation.js';
export type { WebhookLogFields, WebhookLogLevel } from './logger.js';
export type {
  ComposioEventOf,
  KnownWebhookEventType,
  WebhookVersion,
} from './events.js';
export type { RoutableEventType, WebhookErrorHandler } from './router.js';
// The inbox contract engine packages (bullmq, pg-boss) are built on.
export {
  checkHandlerRouter,
  createInboxRouter,
  createInboxRunner,
  deliveryFromJob,
  type InboxEngineDescription,
  type InboxEngineRetries,
  type InboxJob,
  type InboxJobData,
  type InboxJobInfo,
  type InboxReceiving,
  type InboxRouterOptions,
  type InboxRun,
  type InboxRunner,
  type InboxRunnerOptions,
  type InboxSignatureHeaders,
  type InboxTracing,
  inboxJobOf,
  isInboxRouter,
  keepReceivedBody,
  type ReceivedBody,
  receivedBodyOf,
  routerKeepsBody,
  toJobData,
  traceOf,
} from './inbox/index.js';
