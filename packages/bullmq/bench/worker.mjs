/**
 * The benchmark's worker process (forked by inbox.bench.mjs): `inbox.process` with
 * BENCH_CONCURRENCY and a handler that waits BENCH_HANDLER_MS (0 = returns at once). Once
 * BENCH_JOBS deliveries completed it reports { jobs, ms } measured from the first job it started
 * to the last completion. Without BENCH_JOBS it just processes until told to stop.
 */
import { createWebhookInbox } from '@composio-webhooks/bullmq';
import { createWebhookRouter } from '@composio-webhooks/core';
import { Redis } from 'ioredis';

const handlerMs = Number(process.env.BENCH_HANDLER_MS ?? 0);
const jobs = Number(process.env.BENCH_JOBS ?? 0);
const connection = new Redis(process.env.BENCH_REDIS_URL, { maxRetriesPerRequest: null });
const inbox = createWebhookInbox({ connection, queueName: process.env.BENCH_QUEUE, logger: false });

let first;
let completed = 0;
const router = createWebhookRouter().onAny(() => {
  first ??= performance.now();
  return handlerMs > 0 ? new Promise((r) => setTimeout(r, handlerMs)) : undefined;
});
const worker = inbox.process(router, { concurrency: Number(process.env.BENCH_CONCURRENCY ?? 1) });
worker.on('completed', () => {
  completed++;
  if (jobs > 0 && completed === jobs) {
    process.send({ type: 'done', jobs, ms: performance.now() - first });
  }
});
worker.waitUntilReady().then(() => process.send({ type: 'ready' }));

process.on('message', async (message) => {
  if (message.type === 'stop') {
    await worker.close();
    await inbox.close();
    connection.disconnect();
    process.exit(0);
  }
});
