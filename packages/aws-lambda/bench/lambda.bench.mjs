// `pnpm bench` for @composio-webhooks/aws-lambda (needs dist: `pnpm --filter
// @composio-webhooks/aws-lambda build`).
//
// Warm: one process pinned to one CPU calls the package's handler (default in-memory dedupe,
// router with one handler) and a hand-written handler (node:crypto + JSON.parse) on HTTP API
// events of the same 1 KB delivery with distinct ids, in interleaved rounds; CPU time per
// invocation, median of per-round ratios. Target: the package ≥ 0.9× the hand-written handler.
// Cold: 25 interleaved fresh processes of each (import + build + first invocation), the median
// difference in milliseconds.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/aws-lambda';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { pin } from '../../../scripts/bench/pin.mjs';
import { handWritten } from './hand-written.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const PER_ROUND = Number(process.env.BENCH_CALLS ?? 2000);
const COLD = Number(process.env.BENCH_COLD ?? 25);
const secret = 'bench-secret';
pin(process.pid, 1);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function events(count) {
  const data = { blob: 'x'.repeat(700) };
  const out = [];
  for (let i = 0; i < count; i++) {
    const signed = await signWebhook({ payload: buildTriggerMessage({ data }), secret });
    out.push({
      version: '2.0',
      rawPath: '/webhooks/composio',
      headers: { 'content-type': 'application/json', ...signed.headers },
      requestContext: { http: { method: 'POST', path: '/webhooks/composio' } },
      body: signed.body,
      isBase64Encoded: false,
    });
  }
  return out;
}

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

async function round(handler, batch) {
  const before = cpu();
  for (const event of batch) {
    const result = await handler(event);
    if (result.statusCode !== 200) throw new Error(`answered ${result.statusCode}: ${result.body}`);
  }
  return (cpu() - before) / batch.length;
}

const ours = composioWebhook({
  secret,
  logger: false,
  router: createWebhookRouter().onAny(() => {}),
});
const baseline = handWritten(secret);
const pool = await events(PER_ROUND * 2);
// Warm-up (JIT), then interleaved rounds, alternating which goes first.
await round(ours, pool.slice(0, PER_ROUND));
await round(baseline, pool.slice(0, PER_ROUND));
const ratios = [];
const perCall = { ours: [], baseline: [] };
for (let r = 0; r < ROUNDS; r++) {
  const batch = await events(PER_ROUND);
  const order = r % 2 ? ['baseline', 'ours'] : ['ours', 'baseline'];
  const micros = {};
  for (const which of order) {
    micros[which] = await round(
      which === 'ours' ? ours : baseline,
      batch.map((e) => ({ ...e })),
    );
  }
  perCall.ours.push(micros.ours);
  perCall.baseline.push(micros.baseline);
  // Throughput ratio: baseline CPU per call over ours.
  ratios.push(micros.baseline / micros.ours);
}
const warm = median(ratios);

const cold = { package: [], 'hand-written': [] };
const coldScript = fileURLToPath(new URL('./cold.mjs', import.meta.url));
const [coldEvent] = await events(1);
for (let i = 0; i < COLD; i++) {
  for (const which of i % 2 ? ['hand-written', 'package'] : ['package', 'hand-written']) {
    const ms = execFileSync(process.execPath, [coldScript, which, JSON.stringify(coldEvent)], {
      encoding: 'utf8',
    });
    cold[which].push(Number(ms));
  }
}
const coldOurs = median(cold.package);
const coldBase = median(cold['hand-written']);

const target = 0.9;
console.log(
  `aws-lambda warm invocation (1 KB, HTTP API event, default dedupe store), ${ROUNDS} rounds × ${PER_ROUND}:`,
);
console.log(
  `  package ${median(perCall.ours).toFixed(1)} µs CPU, hand-written ${median(perCall.baseline).toFixed(1)} µs CPU`,
);
console.log(
  `  ratio ${warm.toFixed(2)}× (target ≥ ${target}×) ${warm >= target ? 'met' : 'MISSED'}`,
);
console.log(
  `aws-lambda cold start (import + build + first invocation, ${COLD} interleaved fresh processes):`,
);
console.log(
  `  package ${coldOurs.toFixed(1)} ms, hand-written ${coldBase.toFixed(1)} ms, difference +${(coldOurs - coldBase).toFixed(1)} ms`,
);
if (warm < target) process.exitCode = 1;
