/**
 * `@composio-webhooks/otel`: OpenTelemetry tracing and metrics for Composio webhooks, as the
 * `instrumentation` option of every adapter.
 */
export {
  type OtelInstrumentationOptions,
  otelInstrumentation,
} from './instrumentation.js';
export { INSTRUMENTATION_NAME, WebhookAttributes, WebhookMetrics } from './names.js';
export { captureTraceContext, processQueuedDelivery, type TraceCarrier } from './queue.js';
