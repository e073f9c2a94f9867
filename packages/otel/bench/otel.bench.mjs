/**
 * `pnpm bench`: the receive-time cost of otelInstrumentation() with the OpenTelemetry SDK
 * installed and exporting to memory, against the same Express 5 route without instrumentation,
 * in the same run (scripts/bench/adapter-bench.mjs says what is measured and how). Target:
 * instrumented >= 0.9x uninstrumented (overhead <= 10 %).
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
});
if (failed) process.exitCode = 1;
