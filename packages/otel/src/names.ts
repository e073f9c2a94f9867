/**
 * The names this package writes: span attributes and metric instruments. OpenTelemetry
 * semantic-convention names where one fits (messaging, HTTP, error); the rest under
 * `composio.webhook.*`.
 */

/** The instrumentation scope (tracer and meter name). */
export const INSTRUMENTATION_NAME = '@composio-webhooks/otel';

/** Span and metric attributes. */
export const WebhookAttributes = {
  /** Semconv `messaging.system`: always `composio`. */
  MESSAGING_SYSTEM: 'messaging.system',
  /** Semconv `messaging.operation.type`: always `process`. */
  MESSAGING_OPERATION_TYPE: 'messaging.operation.type',
  /** Semconv `messaging.operation.name`: always `process`. */
  MESSAGING_OPERATION_NAME: 'messaging.operation.name',
  /** Semconv `messaging.message.id`: the `webhook-id` (stable across retries). */
  MESSAGING_MESSAGE_ID: 'messaging.message.id',
  /** Semconv `http.response.status_code`: the status the request was answered with. */
  HTTP_RESPONSE_STATUS_CODE: 'http.response.status_code',
  /** Semconv `error.type`: the `WebhookError` code of a failed or refused request. */
  ERROR_TYPE: 'error.type',
  /** The event's `type`, e.g. `composio.trigger.message`. */
  EVENT_TYPE: 'composio.webhook.event_type',
  /** The trigger's slug, e.g. `GITHUB_COMMIT_EVENT` (trigger messages and trigger-disabled events). */
  TRIGGER_SLUG: 'composio.webhook.trigger_slug',
  /** `x-composio-delivery-attempt`, when sent. */
  ATTEMPT: 'composio.webhook.attempt',
  /** The payload version the delivery was detected as (`V1`, `V2`, `V3`). */
  VERSION: 'composio.webhook.version',
  /** The outcome: processed, duplicate, in-flight, rejected, handler-failed, store-unavailable, timed-out. */
  OUTCOME: 'composio.webhook.outcome',
} as const;

/** Metric instruments. */
export const WebhookMetrics = {
  /** Counter of answered requests, by outcome, event type and status. */
  DELIVERIES: 'composio.webhook.deliveries',
  /** Histogram (s): first byte to answer, by outcome and event type. */
  DURATION: 'composio.webhook.duration',
  /** Histogram (s): now − `webhook-timestamp` when a delivery is verified, by event type. */
  LAG: 'composio.webhook.lag',
  /** Counter of copies not run again (200 duplicate, 409 in flight), by outcome and event type. */
  DUPLICATES: 'composio.webhook.duplicates',
  /** Counter of requests refused before any handler ran, by `error.type` (the code). */
  VERIFICATION_FAILURES: 'composio.webhook.verification_failures',
  /** Counter of handlers that settled after their delivery was answered 503, by outcome. */
  LATE_SETTLEMENTS: 'composio.webhook.late_settlements',
} as const;
