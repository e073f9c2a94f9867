/**
 * `pnpm bench`: the receive-time cost of otelInstrumentation() with the OpenTelemetry SDK
 * installed and exporting to memory, against the same Express 5 route without instrumentation,
 * in the same run (scripts/bench/adapter-bench.mjs says what is measured and how). Target:
 * instrumented >= 0.9x uninstrumented (overhead <= 10 %). For reference it also serves a route
 * whose instrumentation only starts and ends one SDK span per request: the floor any
 * OpenTelemetry instrumentation of a request pays, against which this package's own share shows.
 */
import * as testing from '@composio-webhooks/core/testing';
import autocannon from 'autocannon';
import { benchAdapter } from '../../../scripts/bench/adapter-bench.mjs';

const failed = await benchAdapter({
  framework: 'OpenTelemetry on Express',
  majors: ['5'],
  baselineLabel: 'composioWebhook(), no instrumentation',
  serverModule: new URL('./server.mjs', import.meta.url),
  testing,
  autocannon,
  labels: {
    middleware: 'composioWebhook({ instrumentation: otel })',
    memory: 'otel + MemoryIdempotencyStore',
    subject: 'the instrumented route',
    against: 'the uninstrumented route',
  },
  extraRoutes: [{ key: 'span', path: '/span', label: 'one bare SDK span per request (reference)' }],
});
if (failed) process.exitCode = 1;
