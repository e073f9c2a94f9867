/**
 * The worker process: `DATABASE_URL=… pnpm --filter example-pg-boss worker`. Start as many as you
 * like; CONCURRENCY (default 8) handlers run at once in each, the slow ones for HANDLER_MS
 * (default 2000); an idle worker asks for new jobs every POLLING_SECONDS (default 2). QUEUE_NAME
 * as for the receiver. Each handler that ran prints one line:
 * `[worker] <handler> <event type> <webhook-id>`.
 */
import { createWebhookInbox } from '@composio-webhooks/pg-boss';
import { createHandlers, QUEUE_NAME } from './app.js';

const queueName = process.env.QUEUE_NAME ?? QUEUE_NAME;
const inbox = createWebhookInbox({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  queueName,
});
await inbox.boss();
const worker = inbox.process(createHandlers({ delayMs: Number(process.env.HANDLER_MS ?? 2_000) }), {
  concurrency: Number(process.env.CONCURRENCY ?? 8),
  pollingIntervalSeconds: Number(process.env.POLLING_SECONDS ?? 2),
});
console.log(`[worker] processing ${queueName}`);

// Graceful shutdown: no new jobs, running handlers finish, then exit.
process.on('SIGTERM', async () => {
  await worker.close();
  await inbox.close();
  process.exit(0);
});
