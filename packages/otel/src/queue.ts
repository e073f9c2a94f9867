/**
 * Carrying a delivery's trace through a queue (e.g. the BullMQ inbox): `captureTraceContext()`
 * at enqueue — the handlers run inside the delivery span, so the active context is that span —
 * gives a small JSON-safe carrier to store with the job; `processQueuedDelivery()` in the worker
 * starts the processing span, linked to the receiving span, and runs the handlers inside it.
 */

import type { WebhookDelivery } from '@composio-webhooks/core';
import {
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { WebhookAttributes as A, INSTRUMENTATION_NAME } from './names.js';

/** W3C trace headers (`traceparent`, `tracestate`) of the active context, JSON-safe. */
export type TraceCarrier = Record<string, string>;

/** The active trace context as a carrier to store with a queued job. */
export function captureTraceContext(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `process` (the worker's handlers) inside a `process <event type>` CONSUMER span linked to
 * the span that received the delivery (from `carrier`, when it holds one). The span gets `ERROR`
 * status and the exception when `process` rejects; the rejection is passed on.
 */
export async function processQueuedDelivery<T>(
  delivery: WebhookDelivery,
  carrier: TraceCarrier | undefined,
  process: () => Promise<T>,
  options: { tracerProvider?: TracerProvider } = {},
): Promise<T> {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_NAME,
  );
  const received = carrier
    ? trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier))
    : undefined;
  const links: Link[] = received ? [{ context: received }] : [];
  const span = tracer.startSpan(`process ${delivery.event.type}`, {
    kind: SpanKind.CONSUMER,
    links,
    attributes: {
      [A.MESSAGING_SYSTEM]: 'composio',
      [A.MESSAGING_OPERATION_TYPE]: 'process',
      [A.MESSAGING_OPERATION_NAME]: 'process',
      [A.MESSAGING_MESSAGE_ID]: delivery.id,
      [A.EVENT_TYPE]: delivery.event.type,
    },
  });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), process);
    span.setAttribute(A.OUTCOME, 'processed');
    return result;
  } catch (error) {
    span.setAttribute(A.OUTCOME, 'handler-failed');
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'HANDLER_FAILED' });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * The `tracing` option of the BullMQ inbox (`createWebhookInbox({ connection, tracing:
 * otelInboxTracing() })`): each job carries its receiving span's context, and the worker's
 * `process <event type>` span links to it.
 */
export function otelInboxTracing(options: { tracerProvider?: TracerProvider } = {}): {
  capture(): TraceCarrier;
  run<T>(
    delivery: WebhookDelivery,
    carrier: TraceCarrier | undefined,
    process: () => Promise<T>,
  ): Promise<T>;
} {
  return {
    capture: captureTraceContext,
    run: (delivery, carrier, process) => processQueuedDelivery(delivery, carrier, process, options),
  };
}
