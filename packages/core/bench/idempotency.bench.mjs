// Memory and speed of MemoryIdempotencyStore, each against a baseline in the same run:
//   1. bytes per remembered id (completed and leased), beside the id strings alone;
//   2. claim + complete on a FULL store at its default bound vs a bare Map;
//   3. receive() of 1 KB deliveries with a full default store vs `idempotency: false` (target
//      >= 0.9x), rounds interleaved, CPU time per call.
// Run after `pnpm build` with --expose-gc (`pnpm bench` does both).
// Environment: BENCH_N (deliveries per receive() round, default 5000), BENCH_ROUNDS (default 21),
// BENCH_ENFORCE=1 exits 1 below target.
import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_ENTRIES } from '../dist/adapter.js';
import {
  createWebhookReceiver,
  createWebhookRouter,
  MemoryIdempotencyStore,
  signWebhook,
} from '../dist/index.js';
import { buildTriggerMessage } from '../dist/testing.js';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc (pnpm bench does).');
  process.exit(1);
}

const TARGET = 0.9;
const N = Number(process.env.BENCH_N ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const SECRET = 'composio-bench-secret-idempotency';
const quiet = { logger: false };

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
// Flat strings, like the header values Node's HTTP parser hands over (a template literal around
// randomUUID() would be a rope of a dozen pieces, ten times the size).
const ids = (count) =>
  Array.from({ length: count }, () =>
    Buffer.from(`msg_${randomUUID()}`, 'latin1').toString('latin1'),
  );

/** Claims and completes every id (a store at its steady state). */
async function fill(store, list) {
  for (const id of list) {
    const claim = await store.claim(id);
    await store.complete(id, claim.token);
  }
  return store;
}

// 1. Memory per entry.
const M = 100_000;
const memoryIds = ids(M);
async function bytesPerEntry(label, make) {
  const before = heapUsed();
  const keep = await make();
  const after = heapUsed();
  return { label, keep, perEntry: (after - before) / M };
}
// The id strings themselves (plus 4 bytes of array slot each): what any store must keep.
const idBytes = await bytesPerEntry('the id strings themselves (+4 B array slot)', async () =>
  ids(M),
);
const completed = await bytesPerEntry('MemoryIdempotencyStore, completed ids', () =>
  fill(new MemoryIdempotencyStore({ maxEntries: M, ...quiet }), memoryIds),
);
const leased = await bytesPerEntry('MemoryIdempotencyStore, leased ids', async () => {
  const s = new MemoryIdempotencyStore({ maxEntries: M, ...quiet });
  for (const id of memoryIds) await s.claim(id);
  return s;
});
console.log(
  `\nMemoryIdempotencyStore memory, ${M.toLocaleString()} entries (ids are 40-char msg_<uuid>; the store rows are its own overhead, the id strings already existed)`,
);
console.table(
  [idBytes, completed, leased].map(({ label, perEntry }) => ({
    what: label,
    'bytes/entry': Math.round(perEntry),
  })),
);
const perId = completed.perEntry + idBytes.perEntry - 4;
console.log(
  `A remembered id held by the store alone (its own string included): ~${Math.round(perId)} bytes, so the default bound (${DEFAULT_MAX_ENTRIES.toLocaleString()} ids) is ~${((perId * DEFAULT_MAX_ENTRIES) / 1024 / 1024).toFixed(1)} MiB when full.`,
);
completed.keep = undefined;
leased.keep = undefined;
idBytes.keep = undefined;

// 2. claim + complete on a full store.
async function perSecond(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  return iterations / (Number(process.hrtime.bigint() - start) / 1e9);
}
const K = 200_000;
const fresh = ids(K);
const map = new Map();
const baseline = await perSecond(async (i) => {
  const id = fresh[i];
  if (!map.has(id)) map.set(id, 1);
  map.set(id, 2);
}, K);
const full = await fill(new MemoryIdempotencyStore(quiet), ids(DEFAULT_MAX_ENTRIES));
const measured = await perSecond(async (i) => {
  const id = fresh[i];
  const claim = await full.claim(id);
  await full.complete(id, claim.token);
}, K);
console.log(
  `\nclaim + complete throughput, store full at its default bound (${DEFAULT_MAX_ENTRIES.toLocaleString()}): every claim evicts`,
);
console.table([
  { what: 'bare Map has/set (async fn)', 'ops/s': Math.round(baseline), ratio: '1.00' },
  {
    what: 'MemoryIdempotencyStore',
    'ops/s': Math.round(measured),
    ratio: (measured / baseline).toFixed(2),
  },
]);

// 3. receive() with a full default store vs no dedupe.
async function signed(count) {
  const template = buildTriggerMessage();
  const out = [];
  for (let i = 0; i < count; i++) {
    const payload = { ...template, id: `msg_${randomUUID()}` };
    out.push(await signWebhook({ payload, secret: SECRET, id: payload.id }));
  }
  return out;
}
let handled = 0;
const router = createWebhookRouter().onAny(() => {
  handled++;
});
const receivers = [
  {
    label: 'receive(), idempotency: false',
    receiver: createWebhookReceiver({ router, secret: SECRET, idempotency: false, ...quiet }),
  },
  {
    label: `receive(), default store full (${DEFAULT_MAX_ENTRIES.toLocaleString()} ids)`,
    receiver: createWebhookReceiver({
      router,
      secret: SECRET,
      idempotency: await fill(new MemoryIdempotencyStore(quiet), ids(DEFAULT_MAX_ENTRIES)),
      ...quiet,
    }),
  },
  {
    label: 'receive(), default store empty at start',
    make: () =>
      createWebhookReceiver({
        router,
        secret: SECRET,
        idempotency: new MemoryIdempotencyStore(quiet),
        ...quiet,
      }),
  },
];
async function round(receiver, deliveries) {
  globalThis.gc();
  const before = cpuMicros();
  const started = performance.now();
  for (const delivery of deliveries) {
    const response = await receiver.receive(delivery);
    if (response.status !== 200 || response.body.duplicate) {
      throw new Error(`unexpected answer ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
  return {
    cpu: (cpuMicros() - before) / deliveries.length,
    wall: (performance.now() - started) / deliveries.length,
  };
}
for (const entry of receivers) await round(entry.receiver ?? entry.make(), await signed(2_000)); // warm-up
const samples = receivers.map(() => ({ cpu: [], wall: [] }));
const ratios = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = receivers.map((_, i) => (i + r) % receivers.length);
  const perRound = [];
  for (const i of order) {
    const entry = receivers[i];
    const deliveries = await signed(N);
    const before = handled;
    const { cpu, wall } = await round(entry.receiver ?? entry.make(), deliveries);
    if (handled - before !== N)
      throw new Error(`${entry.label}: ${handled - before} handler runs for ${N} deliveries`);
    samples[i].cpu.push(cpu);
    samples[i].wall.push(wall);
    perRound[i] = cpu;
  }
  ratios.push(perRound[0] / perRound[1]);
}
const base = median(samples[0].cpu);
console.log(
  `\nreceive() of ${N.toLocaleString()} unique 1 KB deliveries per round, sequential, ${ROUNDS} rounds interleaved (Node ${process.version}); CPU µs per call, median`,
);
console.table(
  receivers.map((entry, i) => ({
    what: entry.label,
    'CPU µs/call': median(samples[i].cpu).toFixed(2),
    'calls/s (CPU)': Math.round(1e6 / median(samples[i].cpu)),
    'vs no dedupe': `${(base / median(samples[i].cpu)).toFixed(2)}x`,
  })),
);
const ratio = median(ratios);
console.log(
  `=> receive() with a full default store is ${ratio.toFixed(2)}x the speed of idempotency: false (median of per-round ratios ${ratios.map((x) => x.toFixed(2)).join(', ')}; ${ratio >= TARGET ? 'meets' : 'MISSES'} the ${TARGET}x target)`,
);
if (ratio < TARGET && process.env.BENCH_ENFORCE === '1') process.exitCode = 1;
