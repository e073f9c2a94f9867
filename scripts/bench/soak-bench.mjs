/**
 * The soak benchmark of the framework adapters (`pnpm bench` in packages/express and
 * packages/koa): unique signed deliveries over HTTP at concurrency 32 into the `/memory` route
 * (composioWebhook() with the default in-memory dedupe store) of the adapter's bench server.
 *
 * A warm-up of 1.5 × DEFAULT_MAX_ENTRIES deliveries first fills the store to its bound and past
 * it, so its tables have grown to their steady size (the id `Map` grows once more as evictions
 * begin), then SOAK_DELIVERIES (default 100 000) more are sent in segments of 10 000. After the
 * warm-up and after every segment the server reports its heap after a full GC and its RSS, and
 * how many handler runs it counted. Passes when every delivery was answered 2xx, handler runs =
 * deliveries, and the heap after GC stays flat after the warm-up (spread <= max(2 MiB, 5 %)).
 *
 * Server and load generator run in separate processes, pinned to different CPUs with taskset
 * where available. Environment: SOAK_DELIVERIES, SOAK_WARMUP, SOAK_CONCURRENCY (default 32),
 * BENCH_MAJORS (default: the newest major the adapter supports).
 */
import { signedPool, startServer } from './adapter-bench.mjs';
import { pin } from './pin.mjs';

const SEGMENT = 10_000;
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);
const MiB = 1024 * 1024;

/** Flat: the heap after GC spreads by at most max(2 MiB, 5 % of its median) after warm-up. */
export function flatness(heaps) {
  const sorted = [...heaps].sort((a, b) => a - b);
  const spread = sorted[sorted.length - 1] - sorted[0];
  const allowed = Math.max(2 * MiB, 0.05 * sorted[Math.floor(sorted.length / 2)]);
  return { spread, allowed, flat: spread <= allowed };
}

export const mib = (bytes) => (bytes / MiB).toFixed(1);

/** Sends every delivery of `pool` once, CONCURRENCY at a time. */
function fire(autocannon, port, pool) {
  let cursor = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/memory`,
        connections: CONCURRENCY,
        amount: pool.length,
        requests: [
          {
            method: 'POST',
            setupRequest(req) {
              const delivery = pool[cursor++ % pool.length];
              return { ...req, headers: delivery.headers, body: delivery.body };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, sent: cursor })),
    );
  });
}

/** Resolves to true when the soak failed. */
export async function soakAdapter({
  framework,
  majors,
  serverModule,
  testing,
  autocannon,
  storeBound,
}) {
  const total = Number(process.env.SOAK_DELIVERIES ?? 100_000);
  const warmup = Number(process.env.SOAK_WARMUP ?? 1.5 * storeBound);
  const MAJORS = (process.env.BENCH_MAJORS ?? majors[0]).split(',').map((m) => m.trim());
  let failed = false;
  for (const major of MAJORS) {
    const { child, port, request } = await startServer(serverModule, major, {
      execArgv: ['--expose-gc'],
    });
    const pinned = pin(child.pid, 0) && pin(process.pid, 1);
    try {
      await request({ type: 'reset-memory' }, 'reset');
      const start = await request({ type: 'counts' }, 'counts');
      let sent = 0;
      let non2xx = 0;
      let repeated = 0;
      const rows = [];
      const checkpoint = async (phase) => {
        const heap = await request({ type: 'heap' }, 'heap');
        const counts = await request({ type: 'counts' }, 'counts');
        const handled = counts.handled.memory - start.handled.memory;
        rows.push({
          phase,
          deliveries: sent,
          'handler runs': handled,
          heapUsed: heap.heapUsed,
          rss: heap.rss,
        });
      };
      const send = async (count) => {
        for (let done = 0; done < count; done += SEGMENT) {
          const pool = await signedPool(Math.min(SEGMENT, count - done), testing);
          const { result, sent: calls } = await fire(autocannon, port, pool);
          sent += pool.length;
          non2xx += result.non2xx + result.errors + result.timeouts;
          repeated += Math.max(0, calls - pool.length);
        }
      };
      const started = performance.now();
      await checkpoint('start');
      await send(warmup);
      await checkpoint('after warm-up');
      const measuredStart = performance.now();
      for (let done = 0; done < total; done += SEGMENT) {
        await send(Math.min(SEGMENT, total - done));
        await checkpoint('soak');
      }
      const seconds = (performance.now() - measuredStart) / 1000;
      const after = rows.slice(1); // from the end of the warm-up on
      const { spread, allowed, flat } = flatness(after.map((r) => r.heapUsed));
      const last = rows[rows.length - 1];
      console.log(
        `\n${framework} ${major} soak: ${warmup.toLocaleString('en-US')} warm-up + ${total.toLocaleString('en-US')} unique deliveries at concurrency ${CONCURRENCY} over HTTP, default store` +
          ` (${pinned ? 'server on CPU 0, load generator on CPU 1' : 'not pinned'}; ${(total / seconds).toFixed(0)} deliveries/s during the soak, ${((performance.now() - started) / 1000).toFixed(0)} s in all)`,
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
      const runsOk = last['handler runs'] === sent && non2xx === 0 && repeated === 0;
      console.log(
        `  => heap after GC from the warm-up on: ${mib(Math.min(...after.map((r) => r.heapUsed)))}–${mib(Math.max(...after.map((r) => r.heapUsed)))} MiB, spread ${mib(spread)} MiB (allowed ${mib(allowed)}): ${flat ? 'flat' : 'GROWING'}; ` +
          `handler runs ${last['handler runs'].toLocaleString('en-US')} = deliveries ${sent.toLocaleString('en-US')}: ${runsOk ? 'yes' : `NO (non-2xx/errors ${non2xx}, repeated ids ${repeated})`}; RSS ${mib(rows[1].rss)} → ${mib(last.rss)} MiB`,
      );
      if (!flat || !runsOk) failed = true;
    } finally {
      child.removeAllListeners('exit');
      child.kill();
    }
  }
  return failed;
}
