/**
 * `@composio-webhooks/otel`: OpenTelemetry tracing and metrics for Composio webhooks, as the
 * `instrumentation` option of every adapter.
 */
export {
  type OtelInstrumentationOptions,
  otelInstrumentation,
} from './instrumentation.js';
export { INSTRUMENTATION_NAME, WebhookAttributes, WebhookMetrics } from './names.js';
export {
  captureTraceContext,
  otelInboxTracing,
  processQueuedDelivery,
  type TraceCarrier,
} from './queue.js';
