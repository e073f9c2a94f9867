/**
 * `otelInstrumentation()`: core's instrumentation hooks as OpenTelemetry. One span per request,
 * opened before the body is read, the handlers (or your verify-only route) run inside its
 * context, ended with the answer; and the metrics of `WebhookMetrics`. Never records the body,
 * the secret or the headers (only `traceparent`/`tracestate`/`baggage` are read, to continue a
 * trace an upstream proxy started).
 */

import type {
  ReceiverOutcome,
  WebhookDelivery,
  WebhookHeaders,
  WebhookInstrumentation,
  WebhookRequestScope,
} from '@composio-webhooks/core';
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  type Histogram,
  type MeterProvider,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { WebhookAttributes as A, INSTRUMENTATION_NAME, WebhookMetrics as M } from './names.js';

export interface OtelInstrumentationOptions {
  /** Where spans go; default the global tracer provider (what the Node SDK registers). */
  tracerProvider?: TracerProvider;
  /**
   * Where metrics go; default the global meter provider, looked up at the first request (so
   * creating the instrumentation before the SDK starts is fine).
   */
  meterProvider?: MeterProvider;
}

/** Outcomes whose span gets `ERROR` status: the request failed or was refused. */
const FAILED: ReadonlySet<string> = new Set([
  'rejected',
  'handler-failed',
  'store-unavailable',
  'timed-out',
]);

/** Reads the W3C trace headers from a Node header record or a fetch `Headers`. */
const headerGetter: TextMapGetter<WebhookHeaders> = {
  keys(carrier) {
    if (typeof (carrier as Headers).get === 'function') {
      return typeof (carrier as Headers).keys === 'function'
        ? [...(carrier as Headers).keys()]
        : [];
    }
    return Object.keys(carrier);
  },
  get(carrier, key) {
    if (typeof (carrier as Headers).get === 'function') {
      return (carrier as Headers).get(key) ?? undefined;
    }
    const value = (carrier as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(String);
    return value === undefined ? undefined : String(value);
  },
};

/**
 * True when the headers carry any field the registered propagator reads (`traceparent`,
 * `tracestate`, `baggage` for the default W3C one). Composio sends none, so most deliveries skip
 * the extraction; a delivery forwarded by a traced service still continues its trace.
 */
function carriesContext(headers: WebhookHeaders): boolean {
  for (const field of propagation.fields()) {
    if (headerGetter.get(headers, field) !== undefined) return true;
  }
  return false;
}

interface Instruments {
  deliveries: Counter;
  duration: Histogram;
  lag: Histogram;
  duplicates: Counter;
  verificationFailures: Counter;
  lateSettlements: Counter;
}

function createInstruments(provider: MeterProvider): Instruments {
  const meter = provider.getMeter(INSTRUMENTATION_NAME);
  return {
    deliveries: meter.createCounter(M.DELIVERIES, {
      description: 'Webhook requests answered, by outcome, event type and status.',
      unit: '{request}',
    }),
    duration: meter.createHistogram(M.DURATION, {
      description: 'Time from the first byte of a webhook request to its answer.',
      unit: 's',
    }),
    lag: meter.createHistogram(M.LAG, {
      description: 'Time from webhook-timestamp (when Composio sent this attempt) to verification.',
      unit: 's',
    }),
    duplicates: meter.createCounter(M.DUPLICATES, {
      description: 'Copies of a delivery not run again (processed before, or still in flight).',
      unit: '{delivery}',
    }),
    verificationFailures: meter.createCounter(M.VERIFICATION_FAILURES, {
      description: 'Webhook requests refused before any handler ran, by error code.',
      unit: '{request}',
    }),
    lateSettlements: meter.createCounter(M.LATE_SETTLEMENTS, {
      description: 'Handlers that settled after their delivery was answered 503 (timed out).',
      unit: '{delivery}',
    }),
  };
}

/** The trigger slug of a trigger message (or of the trigger a trigger-disabled event names). */
function triggerSlug(delivery: WebhookDelivery): string | undefined {
  const event = delivery.event as {
    metadata?: { trigger_slug?: unknown };
    data?: { trigger_name?: unknown };
  };
  const slug = event.metadata?.trigger_slug ?? event.data?.trigger_name;
  return typeof slug === 'string' ? slug : undefined;
}

/**
 * A `WebhookInstrumentation` for the `instrumentation` option of every adapter (and of
 * `createWebhookReceiver`).
 */
export function otelInstrumentation(
  options: OtelInstrumentationOptions = {},
): WebhookInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_NAME,
  );
  let instruments: Instruments | undefined;

  return {
    onRequest({ headers }): WebhookRequestScope {
      if (!instruments)
        instruments = createInstruments(options.meterProvider ?? metrics.getMeterProvider());
      const metered = instruments;
      const active = context.active();
      // Under HTTP auto-instrumentation the request's server span is active (and already
      // continues any traceparent): nest under it. Otherwise continue the headers' trace, if any.
      const parent: Context =
        trace.getSpan(active) || !carriesContext(headers)
          ? active
          : propagation.extract(active, headers, headerGetter);
      const span = tracer.startSpan(
        'composio.webhook',
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            [A.MESSAGING_SYSTEM]: 'composio',
            [A.MESSAGING_OPERATION_TYPE]: 'process',
            [A.MESSAGING_OPERATION_NAME]: 'process',
          },
        },
        parent,
      );
      const inside = trace.setSpan(parent, span);
      let eventType: string | undefined;
      let answered = false;

      return {
        onDelivery(delivery) {
          eventType = delivery.event.type;
          span.updateName(`process ${eventType}`);
          const attributes: Attributes = {
            [A.MESSAGING_MESSAGE_ID]: delivery.id,
            [A.EVENT_TYPE]: eventType,
            [A.VERSION]: delivery.version,
          };
          const slug = triggerSlug(delivery);
          if (slug !== undefined) attributes[A.TRIGGER_SLUG] = slug;
          if (delivery.attempt !== undefined) attributes[A.ATTEMPT] = delivery.attempt;
          span.setAttributes(attributes);
          metered.lag.record(Math.max(0, Date.now() / 1000 - delivery.timestamp), {
            [A.EVENT_TYPE]: eventType,
          });
        },
        wrap: (run) => context.with(inside, run),
        onOutcome(outcome) {
          const type = outcome.eventType ?? eventType;
          if (answered || outcome.late) {
            // Handlers that outlived the deadline settling (the span ended with the 503), or a
            // background store failure after the answer.
            metered.lateSettlements.add(1, {
              [A.OUTCOME]: outcome.type,
              ...(type !== undefined && { [A.EVENT_TYPE]: type }),
            });
            return;
          }
          answered = true;
          end(span, outcome);
          const attributes: Attributes = {
            [A.OUTCOME]: outcome.type,
            [A.HTTP_RESPONSE_STATUS_CODE]: outcome.status,
          };
          if (type !== undefined) attributes[A.EVENT_TYPE] = type;
          if (outcome.code !== undefined) attributes[A.ERROR_TYPE] = outcome.code;
          metered.deliveries.add(1, attributes);
          metered.duration.record(outcome.durationMs / 1000, attributes);
          if (outcome.type === 'duplicate' || outcome.type === 'in-flight') {
            metered.duplicates.add(1, {
              [A.OUTCOME]: outcome.type,
              ...(type !== undefined && { [A.EVENT_TYPE]: type }),
            });
          } else if (outcome.type === 'rejected') {
            metered.verificationFailures.add(1, { [A.ERROR_TYPE]: outcome.code ?? 'unknown' });
          }
        },
      };
    },
  };
}

function end(span: Span, outcome: ReceiverOutcome): void {
  const attributes: Attributes = {
    [A.OUTCOME]: outcome.type,
    [A.HTTP_RESPONSE_STATUS_CODE]: outcome.status,
  };
  if (outcome.code !== undefined) attributes[A.ERROR_TYPE] = outcome.code;
  span.setAttributes(attributes);
  if (FAILED.has(outcome.type)) {
    const cause = outcome.error?.cause;
    if (outcome.type === 'handler-failed' && cause instanceof Error) span.recordException(cause);
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.code ?? outcome.type });
  }
  span.end();
}
