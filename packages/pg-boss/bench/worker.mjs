/**
 * The benchmark's worker process (forked by inbox.bench.mjs): `inbox.process` with
 * BENCH_CONCURRENCY and a handler that waits BENCH_HANDLER_MS (0 = returns at once). Once
 * BENCH_JOBS handlers have finished it reports { jobs, ms } measured from the first handler start
 * to the last handler end. Without BENCH_JOBS it just processes until told to stop.
 */
import { createWebhookRouter } from '@composio-webhooks/core';
import { createWebhookInbox } from '@composio-webhooks/pg-boss';

const handlerMs = Number(process.env.BENCH_HANDLER_MS ?? 0);
const jobs = Number(process.env.BENCH_JOBS ?? 0);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 1);
const inbox = createWebhookInbox({
  connectionString: process.env.BENCH_DATABASE_URL,
  queueName: process.env.BENCH_QUEUE,
  bossOptions: { supervise: false, max: Math.min(20, concurrency + 2) },
  logger: false,
});

let first;
let finished = 0;
const router = createWebhookRouter().onAny(async () => {
  first ??= performance.now();
  if (handlerMs > 0) await new Promise((r) => setTimeout(r, handlerMs));
  finished++;
  if (jobs > 0 && finished === jobs) {
    process.send({ type: 'done', jobs, ms: performance.now() - first });
  }
});
await inbox.boss();
const worker = inbox.process(router, { concurrency, pollingIntervalSeconds: 0.5 });
process.send({ type: 'ready' });

process.on('message', async (message) => {
  if (message.type === 'stop') {
    await worker.close();
    await inbox.close();
    process.exit(0);
  }
});
