/**
 * `@composio-webhooks/core/adapter`: what only adapters and stores need. Users import from the
 * package root (or from their adapter, which re-exports it).
 *
 * An adapter builds one exchange per instance with `createExchange(options, description)` and,
 * per request, passes the method, path, headers, a body reader and (verify-only) a hand-over;
 * then writes the `ExchangeResult` the framework's way. Every decision is the exchange's.
 */
export { payloadTooLarge } from './body-errors.js';
export { setDeadline } from './deadlines.js';
export { message, WEBHOOK_ERROR_STATUS } from './errors.js';
export {
  type AdapterDescription,
  type AdapterKind,
  type AdapterOptions,
  type BodyFailure,
  type BodyLimits,
  createExchange,
  type ExchangeHead,
  type ExchangeRequest,
  type ExchangeResult,
  type HandlerAdapterOptions,
  normalizePath,
  type OpenExchange,
  type RouteAnswer,
  type WebhookExchange,
} from './exchange.js';
export {
  HEADER_ATTEMPT,
  HEADER_ID,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  HEADER_VERSION,
  type HeaderRecord,
  type HeadersLike,
} from './headers.js';
export { newClaimToken, resolveTimings } from './idempotency.js';
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
export type { RequestTrace } from './instrumentation.js';
export { createWebhookLog, deliveryFields, type WebhookLog } from './logger.js';
export { normalizePayload, type ParsedPayload } from './parse.js';
export { type Acceptance, asWebhookError } from './receiver.js';
export { errorResponse, errorResponseFor, successResponse } from './responses.js';
export type { RouteLabel, Settlement, WaitUntil } from './settlement.js';
export { readWebBody, type WebBodySource } from './web-body.js';
