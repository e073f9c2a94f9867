/**
 * The worker process: `REDIS_URL=… pnpm --filter example-bullmq worker`. Start as many as you
 * like; CONCURRENCY (default 8) handlers run at once in each, the slow ones for HANDLER_MS
 * (default 2000). QUEUE_NAME as for the receiver. Each handler that ran prints one line:
 * `[worker] <handler> <event type> <webhook-id>`.
 */
import { createWebhookInbox } from '@composio-webhooks/bullmq';
import { Redis } from 'ioredis';
import { createHandlers, QUEUE_NAME } from './app.js';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
});
connection.on('error', (error) => console.error('[worker] redis:', error.message));
const queueName = process.env.QUEUE_NAME ?? QUEUE_NAME;
const inbox = createWebhookInbox({ connection, queueName });
const worker = inbox.process(createHandlers({ delayMs: Number(process.env.HANDLER_MS ?? 2_000) }), {
  concurrency: Number(process.env.CONCURRENCY ?? 8),
});
worker.on('ready', () => console.log(`[worker] processing ${queueName}`));

// Graceful shutdown: no new jobs, running handlers finish, then exit.
process.on('SIGTERM', async () => {
  await worker.close();
  await inbox.close();
  await connection.quit();
  process.exit(0);
});
