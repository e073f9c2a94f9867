/**
 * `otelInstrumentation()`: core's instrumentation hooks as OpenTelemetry. One span per request,
 * opened before the body is read, the handlers (or your verify-only route) run inside its
 * context, ended with the answer; and the metrics of `WebhookMetrics`. Never records the body,
 * the secret or the headers (only `traceparent`/`tracestate`/`baggage` are read, to continue a
 * trace an upstream proxy started).
 */

import type { ReceiverOutcome, WebhookDelivery, WebhookHeaders } from '@composio-webhooks/core';
import type { WebhookInstrumentation, WebhookRequestScope } from '@composio-webhooks/core/adapter';
import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type ObservableResult,
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

/** What every delivery span starts with (semantic conventions for messaging). */
const START_ATTRIBUTES: Attributes = Object.freeze({
  [A.MESSAGING_SYSTEM]: 'composio',
  [A.MESSAGING_OPERATION_TYPE]: 'process',
  [A.MESSAGING_OPERATION_NAME]: 'process',
});

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

/**
 * The SDK hashes a metric's attributes on every synchronous record (sorting the keys and
 * serialising them), the largest part of what a delivery's metrics cost. So the counters are
 * tallied here, by a key built from the few values they vary by, and reported as observable
 * counters when the reader collects (the same cumulative sums an exporter sees from `add`); the
 * histograms record synchronously, with one attributes object per key reused.
 */
const CARDINALITY_LIMIT = 2000;
const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });

/**
 * Counts by attribute set, reported as an observable counter. `add` returns the set's one
 * attributes object, for a histogram recorded with the same attributes.
 */
class Tally {
  readonly #cells = new Map<string, { attributes: Attributes; value: number }>();
  add(key: string, attributes: () => Attributes): Attributes {
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      // Past the limit, like the SDK: new attribute sets are counted under `otel.metric.overflow`
      // (the histogram gets the real attributes and applies the SDK's own limit).
      if (this.#cells.size >= CARDINALITY_LIMIT) {
        this.add('\u0000overflow', () => OVERFLOW);
        return attributes();
      }
      cell = { attributes: Object.freeze(attributes()), value: 0 };
      this.#cells.set(key, cell);
    }
    cell.value += 1;
    return cell.attributes;
  }
  observe(result: ObservableResult): void {
    for (const cell of this.#cells.values()) result.observe(cell.value, cell.attributes);
  }
}

/** One attributes object per key, for the lag histogram. */
class AttributeSets {
  readonly #sets = new Map<string, Attributes>();
  get(key: string, attributes: () => Attributes): Attributes {
    let set = this.#sets.get(key);
    if (set === undefined) {
      if (this.#sets.size >= CARDINALITY_LIMIT) return attributes();
      set = Object.freeze(attributes());
      this.#sets.set(key, set);
    }
    return set;
  }
}

interface Instruments {
  deliveries: Tally;
  duplicates: Tally;
  verificationFailures: Tally;
  lateSettlements: Tally;
  duration: Histogram;
  lag: Histogram;
  /** By event type: `lag`. */
  byType: AttributeSets;
}

/**
 * One set of instruments (and tallies) per meter provider, shared by every
 * `otelInstrumentation()` on it: an observable counter reports one value per attribute set, so
 * two instrumentations with tallies of their own would overwrite each other's counts.
 */
const instrumentsOf = new WeakMap<MeterProvider, Instruments>();

function observableCounter(meter: Meter, name: string, description: string, unit: string): Tally {
  const tally = new Tally();
  meter
    .createObservableCounter(name, { description, unit })
    .addCallback((result) => tally.observe(result));
  return tally;
}

function instrumentsFor(provider: MeterProvider): Instruments {
  const existing = instrumentsOf.get(provider);
  if (existing) return existing;
  const meter = provider.getMeter(INSTRUMENTATION_NAME);
  const instruments: Instruments = {
    deliveries: observableCounter(
      meter,
      M.DELIVERIES,
      'Webhook requests answered, by outcome, event type and status.',
      '{request}',
    ),
    duration: meter.createHistogram(M.DURATION, {
      description: 'Time from the first byte of a webhook request to its answer.',
      unit: 's',
    }),
    lag: meter.createHistogram(M.LAG, {
      description: 'Time from webhook-timestamp (when Composio sent this attempt) to verification.',
      unit: 's',
    }),
    duplicates: observableCounter(
      meter,
      M.DUPLICATES,
      'Copies of a delivery not run again (processed before, or still in flight).',
      '{delivery}',
    ),
    verificationFailures: observableCounter(
      meter,
      M.VERIFICATION_FAILURES,
      'Webhook requests refused before any handler ran, by error code.',
      '{request}',
    ),
    lateSettlements: observableCounter(
      meter,
      M.LATE_SETTLEMENTS,
      'Handlers that settled after their delivery was answered 503 (timed out).',
      '{delivery}',
    ),
    byType: new AttributeSets(),
  };
  instrumentsOf.set(provider, instruments);
  return instruments;
}

/** Outcome and event type: the attributes of `duplicates` and `late_settlements`. */
function outcomeAndType(outcome: string, type: string | undefined): () => Attributes {
  return () =>
    type === undefined ? { [A.OUTCOME]: outcome } : { [A.OUTCOME]: outcome, [A.EVENT_TYPE]: type };
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
        instruments = instrumentsFor(options.meterProvider ?? metrics.getMeterProvider());
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
        { kind: SpanKind.CONSUMER, attributes: START_ATTRIBUTES },
        parent,
      );
      const inside = trace.setSpan(parent, span);
      let eventType: string | undefined;
      let answered = false;

      return {
        onDelivery(delivery) {
          const type = delivery.event.type;
          eventType = type;
          span.updateName(`process ${type}`);
          const attributes: Attributes = {
            [A.MESSAGING_MESSAGE_ID]: delivery.id,
            [A.EVENT_TYPE]: type,
            [A.VERSION]: delivery.version,
          };
          const slug = triggerSlug(delivery);
          if (slug !== undefined) attributes[A.TRIGGER_SLUG] = slug;
          if (delivery.attempt !== undefined) attributes[A.ATTEMPT] = delivery.attempt;
          span.setAttributes(attributes);
          metered.lag.record(
            Math.max(0, Date.now() / 1000 - delivery.timestamp),
            metered.byType.get(type, () => ({ [A.EVENT_TYPE]: type })),
          );
        },
        wrap: (run) => context.with(inside, run),
        onOutcome(outcome) {
          const type = outcome.eventType ?? eventType;
          const name = outcome.type;
          if (answered || outcome.late) {
            // Handlers that outlived the deadline settling (the span ended with the 503), or a
            // background store failure after the answer.
            metered.lateSettlements.add(`${name}\u0000${type}`, outcomeAndType(name, type));
            return;
          }
          answered = true;
          const { status, code } = outcome;
          end(span, outcome);
          const key = `${name}\u0000${status}\u0000${type}\u0000${code}`;
          // `deliveries` and `duration` share their attributes (one lookup, one object).
          const attributes = metered.deliveries.add(key, () => answeredAttributes(outcome, type));
          metered.duration.record(outcome.durationMs / 1000, attributes);
          if (name === 'duplicate' || name === 'in-flight') {
            metered.duplicates.add(`${name}\u0000${type}`, outcomeAndType(name, type));
          } else if (name === 'rejected') {
            const failure = code ?? 'unknown';
            metered.verificationFailures.add(failure, () => ({ [A.ERROR_TYPE]: failure }));
          }
        },
      };
    },
  };
}

/** The attributes of `deliveries` and `duration`: outcome, status, event type, error code. */
function answeredAttributes(outcome: ReceiverOutcome, type: string | undefined): Attributes {
  const attributes: Attributes = {
    [A.OUTCOME]: outcome.type,
    [A.HTTP_RESPONSE_STATUS_CODE]: outcome.status,
  };
  if (type !== undefined) attributes[A.EVENT_TYPE] = type;
  if (outcome.code !== undefined) attributes[A.ERROR_TYPE] = outcome.code;
  return attributes;
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
