/**
 * `pnpm bench`: what otelInstrumentation() adds to receiving one delivery, with the OpenTelemetry
 * SDK installed and exporting to memory (a Node tracer provider with a batch span processor, a
 * meter provider with a periodic reader), against the same receiver without instrumentation, in
 * the same process and run, at 1 KB. Runs the BUILT packages (`pnpm build` first).
 *
 * Measured: `receiver.receive()` (size check, HMAC-SHA256 verification, JSON parse and
 * validation, dispatch to a handler, the 200 answer) of a correctly signed 1 KB
 * composio.trigger.message, in batches of BATCH calls, with no HTTP server around it: the
 * instrumentation's absolute cost per delivery, against core's bare receive (the harshest
 * baseline; the HTTP bench, otel.bench.mjs, measures it against a whole Express request). Each
 * round runs both variants (order rotated) and the ratio of their CPU time per call counts (process.cpuUsage, which other load on
 * a shared machine moves far less than wall time); the median of the per-round ratios is the
 * result. Between batches the event loop turns, so the batch span processor exports as it would
 * in a server (the exported-span count is printed). Informational: it fails only when spans
 * were lost.
 *
 * "Not installed" costs nothing by construction: core has no OpenTelemetry import (the otel
 * package test checks core's dist), and with no `instrumentation` option each hook is one
 * `undefined` check.
 *
 * Environment: BENCH_ROUNDS (default 15), BENCH_BATCH (calls per batch, default 2000).
 */
import { createWebhookReceiver, createWebhookRouter, signWebhook } from '@composio-webhooks/core';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { otelInstrumentation } from '@composio-webhooks/otel';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const BATCH = Number(process.env.BENCH_BATCH ?? 2000);
const SECRET = 'bench-secret-for-composio-webhooks';

const spans = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(spans, { scheduledDelayMillis: 50, maxQueueSize: 65_536 }),
  ],
});
tracerProvider.register();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 1000 }),
  ],
});
metrics.setGlobalMeterProvider(meterProvider);
let exported = 0;
const drain = () => {
  exported += spans.getFinishedSpans().length;
  spans.reset();
  metricExporter.reset();
};

/** A 1 KB body: a trigger message whose data is padded to 1,024 bytes in all. */
async function deliveryOf1KB() {
  const base = buildTriggerMessage({ data: { author: 'octocat', message: '' } });
  const size = Buffer.byteLength(JSON.stringify(base));
  const payload = { ...base, data: { ...base.data, message: 'x'.repeat(1024 - size) } };
  const signed = await signWebhook({ payload, secret: SECRET });
  if (Buffer.byteLength(signed.body) !== 1024)
    throw new Error(`body is ${signed.body.length} bytes`);
  return signed;
}

const handled = { plain: 0, otel: 0 };
function receiver(key, options) {
  const router = createWebhookRouter().on('composio.trigger.message', () => {
    handled[key] += 1;
  });
  return createWebhookReceiver({
    secret: SECRET,
    router,
    idempotency: false,
    logger: false,
    tolerance: 3600,
    ...options,
  });
}
const variants = {
  plain: receiver('plain', {}),
  otel: receiver('otel', { instrumentation: otelInstrumentation() }),
};

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function batch(key, request) {
  const target = variants[key];
  const started = cpuMicros();
  for (let i = 0; i < BATCH; i++) {
    const response = await target.receive(request);
    if (response.status !== 200) throw new Error(`${key}: answered ${response.status}`);
    if (i % 200 === 199) await turn();
  }
  return (cpuMicros() - started) / BATCH;
}

const request = await deliveryOf1KB();
console.log(
  `composio-webhooks otel receive bench: ${ROUNDS} rounds x ${BATCH} receive() calls per variant, ` +
    `1,024-byte signed composio.trigger.message, SDK exporting to memory (Node ${process.version}).`,
);
for (const key of Object.keys(variants)) await batch(key, request); // warm-up
drain();
exported = 0;
const perCall = { plain: [], otel: [] };
const ratios = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? ['plain', 'otel'] : ['otel', 'plain'];
  for (const key of order) perCall[key].push(await batch(key, request));
  ratios.push(perCall.otel[round] / perCall.plain[round]);
  await turn();
  drain();
}
await tracerProvider.forceFlush();
drain();

const ratio = median(ratios);
console.log(
  `  receive(), no instrumentation          ${median(perCall.plain).toFixed(1)} µs CPU/call (1.00x)`,
);
console.log(
  `  receive(), otelInstrumentation()       ${median(perCall.otel).toFixed(1)} µs CPU/call (${ratio.toFixed(3)}x)`,
);
console.log(
  `  => overhead ${((ratio - 1) * 100).toFixed(1)} % (median of per-round ratios ` +
    `${ratios.map((r) => r.toFixed(2)).join(', ')}), i.e. ${(median(perCall.otel) - median(perCall.plain)).toFixed(1)} µs CPU per delivery`,
);
const expected = ROUNDS * BATCH;
console.log(
  `  spans exported to memory: ${exported.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} instrumented deliveries; handled: ${JSON.stringify(handled)}`,
);
await meterProvider.shutdown();
await tracerProvider.shutdown();
if (exported < expected) process.exitCode = 1;
