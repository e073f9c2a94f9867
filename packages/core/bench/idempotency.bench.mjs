// Memory and speed of MemoryIdempotencyStore: bytes per remembered id, and claim+complete ops/s
// against a bare Map baseline, in the same run. Run after `pnpm build` with --expose-gc.
import { randomUUID } from 'node:crypto';
import { MemoryIdempotencyStore } from '../dist/index.js';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with node --expose-gc (pnpm bench does).');
  process.exit(1);
}

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const N = 100_000;
const ids = Array.from({ length: N }, () => `msg_${randomUUID()}`);

async function bytesPerEntry(label, fill) {
  const before = heapUsed();
  const keep = await fill();
  const after = heapUsed();
  const perEntry = (after - before) / N;
  return { label, keep, perEntry };
}

const idBytes = await bytesPerEntry('the id strings alone (Set of ids)', async () => new Set(ids));
const store = await bytesPerEntry('MemoryIdempotencyStore, completed ids', async () => {
  const s = new MemoryIdempotencyStore({ maxEntries: N });
  for (const id of ids) {
    const claim = await s.claim(id);
    await s.complete(id, claim.token);
  }
  return s;
});
const leased = await bytesPerEntry('MemoryIdempotencyStore, leased ids', async () => {
  const s = new MemoryIdempotencyStore({ maxEntries: N });
  for (const id of ids) await s.claim(id);
  return s;
});

console.log(
  `\nMemoryIdempotencyStore memory, ${N.toLocaleString()} entries (ids are 40-char msg_<uuid>; the id strings are shared, so bytes below are the store's own overhead)`,
);
console.table(
  [idBytes, store, leased].map(({ label, perEntry }) => ({
    what: label,
    'bytes/entry': Math.round(perEntry),
  })),
);
console.log(
  `At the default maxEntries (10 000): ~${Math.round((store.perEntry * 10_000) / 1024)} KiB.`,
);

async function opsPerSecond(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - start);
  return iterations / (ns / 1e9);
}

const M = 200_000;
const fresh = Array.from({ length: M }, () => `msg_${randomUUID()}`);
const map = new Map();
const baseline = await opsPerSecond(async (i) => {
  const id = fresh[i];
  if (!map.has(id)) map.set(id, 1);
  map.set(id, 2);
}, M);
const s = new MemoryIdempotencyStore({ maxEntries: 10_000 });
const measured = await opsPerSecond(async (i) => {
  const id = fresh[i];
  const claim = await s.claim(id);
  await s.complete(id, claim.token);
}, M);
console.log('\nclaim + complete throughput (10 000-entry bound, LRU eviction active)');
console.table([
  { what: 'bare Map has/set (async fn)', 'ops/s': Math.round(baseline), ratio: '1.00' },
  {
    what: 'MemoryIdempotencyStore',
    'ops/s': Math.round(measured),
    ratio: (measured / baseline).toFixed(2),
  },
]);
