/**
 * The benchmark's receiver process (forked by inbox.bench.mjs): Express with three routes over
 * the same adapter, so the only difference is the router —
 *   /inbox   composioWebhook({ router: inbox.router })      verify, store the job, answer
 *   /noop    a router without handlers                     verify, answer (the floor)
 *   /inline  a router whose handler takes BENCH_HANDLER_MS   handlers inside the request
 * Sends { port } over IPC once listening.
 */
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express';
import { createWebhookInbox } from '@composio-webhooks/pg-boss';
import express from 'express';

const secret = process.env.BENCH_SECRET;
const handlerMs = Number(process.env.BENCH_HANDLER_MS ?? 2000);
const inbox = createWebhookInbox({
  connectionString: process.env.BENCH_DATABASE_URL,
  queueName: process.env.BENCH_QUEUE,
  bossOptions: { supervise: false, max: 16 },
  logger: false,
});
await inbox.boss();

const app = express();
app.post('/inbox', composioWebhook({ router: inbox.router, secret, logger: false }));
app.post('/noop', composioWebhook({ router: createWebhookRouter(), secret, logger: false }));
app.post(
  '/inline',
  composioWebhook({
    router: createWebhookRouter().onAny(() => new Promise((r) => setTimeout(r, handlerMs))),
    secret,
    logger: false,
  }),
);
const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.address().port });
});
server.keepAliveTimeout = 60_000;

process.on('message', (message) => {
  if (message.type === 'stop') {
    server.close();
    server.closeAllConnections();
    inbox.close().finally(() => process.exit(0));
  }
});
