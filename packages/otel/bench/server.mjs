/**
 * The benchmark's server process: one Express 5 app, the OpenTelemetry SDK set up as in
 * production but exporting to memory (a Node tracer provider with a batch span processor, a
 * meter provider with a periodic reader), and three POST routes for the same signed delivery:
 *
 *   /baseline   composioWebhook({ router, idempotency: false })                 (no instrumentation)
 *   /middleware composioWebhook({ router, idempotency: false, instrumentation: otelInstrumentation() })
 *   /memory     the same with the default in-memory dedupe store
 *   /span       composioWebhook({ router, idempotency: false }) with an instrumentation that only
 *               starts and ends one SDK span per request (no attributes, context or metrics):
 *               the least any OpenTelemetry instrumentation of a request costs, for reference
 *
 * The exporters are emptied every second so memory stays flat. The parent talks to it over IPC.
 */
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express';
import { otelInstrumentation } from '@composio-webhooks/otel';
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import express from 'express';

const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const TOLERANCE = 3600;

const spans = new InMemorySpanExporter();
new NodeTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(spans, { scheduledDelayMillis: 200, maxQueueSize: 16_384 }),
  ],
}).register();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
metrics.setGlobalMeterProvider(
  new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 1000 }),
    ],
  }),
);
let exported = 0;
setInterval(() => {
  exported += spans.getFinishedSpans().length;
  spans.reset();
  metricExporter.reset();
}, 1000).unref();

const handled = { baseline: 0, middleware: 0, memory: 0, span: 0 };
const app = express();
app.set('etag', false);
app.set('x-powered-by', false);

function webhook(key, options) {
  const router = createWebhookRouter().on('composio.trigger.message', () => {
    handled[key] += 1;
  });
  return composioWebhook({ secret, tolerance: TOLERANCE, router, logger: false, ...options });
}
app.post('/baseline', webhook('baseline', { idempotency: false }));
const instrumentation = otelInstrumentation();
app.post('/middleware', webhook('middleware', { idempotency: false, instrumentation }));
let memory = webhook('memory', { instrumentation });
const tracer = trace.getTracer('bench');
const bareSpan = {
  onRequest() {
    const span = tracer.startSpan('composio.webhook');
    return { onOutcome: () => span.end() };
  },
};
app.post('/span', webhook('span', { idempotency: false, instrumentation: bareSpan }));
app.post('/memory', (req, res, next) => memory(req, res, next));

process.on('message', (message) => {
  if (message.type === 'reset-memory') {
    memory = webhook('memory', { instrumentation });
    process.send({ type: 'reset' });
  } else if (message.type === 'counts') {
    const cpu = process.cpuUsage();
    process.send({
      type: 'counts',
      handled: { ...handled },
      cpuMicros: cpu.user + cpu.system,
      exported,
    });
  }
});

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port, major: '5' });
});
