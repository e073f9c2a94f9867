/**
 * The OpenTelemetry SDK as a user sets it up, exporting to memory: a global Node tracer provider
 * (AsyncLocalStorage context, W3C propagation) whose spans the tests read, and a meter provider
 * per test whose points they read. Plus signing and a real HTTP server helper.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signerFor } from '@composio-webhooks/core/testing';
import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export const SECRET = 'otel-test-secret';
export const sign = signerFor(SECRET);

export const spans = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spans)],
});
tracerProvider.register();

export { SpanKind };

/** A meter provider exporting (cumulatively) to memory, and its points by metric name. */
export function meters() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    provider,
    /** Every point of `name` (the last export), as `{ attributes, value }`. */
    async points(name: string): Promise<Array<{ attributes: Attributes; value: unknown }>> {
      exporter.reset();
      await reader.forceFlush();
      const metric = exporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((scope) => scope.metrics)
        .find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? []).map((point: DataPoint<unknown>) => ({
        attributes: point.attributes,
        value:
          typeof point.value === 'number'
            ? point.value
            : { count: (point.value as Histogram).count },
      }));
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The ended spans, oldest first. */
export function finished(): ReadableSpan[] {
  return spans.getFinishedSpans();
}

export function spanNamed(name: string): ReadableSpan {
  const span = finished().find((s) => s.name === name);
  if (!span) {
    throw new Error(
      `no span named ${name}; have ${finished()
        .map((s) => s.name)
        .join(', ')}`,
    );
  }
  return span;
}

export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Listens on a free loopback port; resolves to its base URL and a close(). */
export async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      ),
  };
}

/** POSTs a signed delivery over real HTTP. */
export function post(
  url: string,
  signed: { headers: Record<string, string>; body: string },
  extra: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...signed.headers, ...extra },
    body: signed.body,
  });
}
