// The in-process soak (`pnpm bench`): 1 000 000 unique signed deliveries through one receiver
// with the default dedupe store (createWebhookReceiver without `idempotency`), 32 at a time.
// Warm-up: the first 1.5 × DEFAULT_MAX_ENTRIES fill the store to its bound and past it (its id
// Map grows once more as evictions begin); from then on the heap after a full GC, sampled every
// 100 000 deliveries, must stay flat (spread <= max(2 MiB, 5 %)),
// and handler runs must equal deliveries. Signing happens in batches of 10 000 between
// receive() runs and is not part of what is measured. Run after `pnpm build` with --expose-gc.
// Environment: SOAK_RECEIVER_DELIVERIES (default 1000000), SOAK_CONCURRENCY (default 32).
import { randomUUID } from 'node:crypto';
import { flatness, mib } from '../../../scripts/bench/soak-bench.mjs';
import {
  createWebhookReceiver,
  createWebhookRouter,
  DEFAULT_MAX_ENTRIES,
  signWebhook,
} from '../dist/index.js';
import { buildTriggerMessage } from '../dist/testing.js';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc (pnpm bench does).');
  process.exit(1);
}

const TOTAL = Number(process.env.SOAK_RECEIVER_DELIVERIES ?? 1_000_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);
const BATCH = 10_000;
const SAMPLE_EVERY = 100_000;
const SECRET = 'composio-soak-secret';
const WARMUP = 1.5 * DEFAULT_MAX_ENTRIES;

let handled = 0;
const router = createWebhookRouter().onAny(() => {
  handled++;
});
// The default store, as every user without options gets it (its early-eviction warning, once a
// minute, is expected once the store is full: it forgets ids younger than 24 h).
const receiver = createWebhookReceiver({ router, secret: SECRET, logger: false });
const template = buildTriggerMessage();

async function batch(size) {
  const deliveries = [];
  for (let i = 0; i < size; i++) {
    // A flat string, as Node's HTTP parser hands header values over (not a rope of pieces).
    const id = Buffer.from(`msg_${randomUUID()}`, 'latin1').toString('latin1');
    deliveries.push(await signWebhook({ payload: { ...template, id }, secret: SECRET, id }));
  }
  return deliveries;
}

let failures = 0;
async function receiveAll(deliveries) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < deliveries.length) {
        const response = await receiver.receive(deliveries[next++]);
        if (response.status !== 200 || response.body.duplicate) failures++;
      }
    }),
  );
}

function sample(delivered, phase) {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { phase, deliveries: delivered, 'handler runs': handled, heapUsed, rss };
}

const rows = [sample(0, 'start')];
const started = performance.now();
let receiveMs = 0;
for (let delivered = 0; delivered < TOTAL; ) {
  const deliveries = await batch(Math.min(BATCH, TOTAL - delivered));
  const t = performance.now();
  await receiveAll(deliveries);
  receiveMs += performance.now() - t;
  delivered += deliveries.length;
  if (delivered % SAMPLE_EVERY === 0 || delivered === TOTAL) {
    rows.push(sample(delivered, delivered < WARMUP ? 'warm-up' : 'soak'));
  }
}
const after = rows.filter((r) => r.deliveries >= WARMUP);
const { spread, allowed, flat } = flatness(after.map((r) => r.heapUsed));
console.log(
  `\nreceive() soak: ${TOTAL.toLocaleString('en-US')} unique deliveries, ${CONCURRENCY} at a time, default store (bound ${DEFAULT_MAX_ENTRIES.toLocaleString('en-US')}), Node ${process.version}; ${Math.round(TOTAL / (receiveMs / 1000)).toLocaleString('en-US')} receive()/s, ${((performance.now() - started) / 1000).toFixed(0)} s with signing`,
);
console.table(
  rows.map((r) => ({
    phase: r.phase,
    deliveries: r.deliveries,
    'handler runs': r['handler runs'],
    'heap after GC MiB': mib(r.heapUsed),
    'RSS MiB': mib(r.rss),
  })),
);
const runsOk = handled === TOTAL && failures === 0;
const last = rows[rows.length - 1];
console.log(
  `=> heap after GC after the warm-up: ${mib(Math.min(...after.map((r) => r.heapUsed)))}–${mib(Math.max(...after.map((r) => r.heapUsed)))} MiB, spread ${mib(spread)} MiB (allowed ${mib(allowed)}): ${flat ? 'flat' : 'GROWING'}; handler runs ${handled.toLocaleString('en-US')} = deliveries ${TOTAL.toLocaleString('en-US')}: ${runsOk ? 'yes' : `NO (${failures} answers not 200)`}; RSS ${mib(after[0].rss)} → ${mib(last.rss)} MiB`,
);
if (!flat || !runsOk) process.exitCode = 1;
