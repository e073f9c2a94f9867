/**
 * The benchmark's receiver process (forked by inbox.bench.mjs): Express with three routes over
 * the same adapter, so the only difference is the router —
 *   /inbox   composioWebhook({ router: inbox.router })     verify, queue, answer
 *   /inbox-pipelined  the same with ioredis enableAutoPipelining
 *   /noop    a router without handlers                    verify, answer (the floor)
 *   /inline  a router whose handler takes BENCH_HANDLER_MS  handlers inside the request
 * Sends { port } over IPC once listening; { type: 'cpu' } asks for its CPU time so far.
 */
import { createWebhookInbox } from '@composio-webhooks/bullmq';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express';
import express from 'express';
import { Redis } from 'ioredis';

const secret = process.env.BENCH_SECRET;
const handlerMs = Number(process.env.BENCH_HANDLER_MS ?? 2000);
const connection = new Redis(process.env.BENCH_REDIS_URL);
const inbox = createWebhookInbox({
  connection,
  queueName: process.env.BENCH_QUEUE,
  logger: false,
});

// The same queue through a client with ioredis auto-pipelining: concurrent enqueues share round trips.
const pipelined = new Redis(process.env.BENCH_REDIS_URL, { enableAutoPipelining: true });
const pipelinedInbox = createWebhookInbox({
  connection: pipelined,
  queueName: process.env.BENCH_QUEUE,
  logger: false,
});

const app = express();
app.post('/inbox', composioWebhook({ router: inbox.router, secret, logger: false }));
app.post(
  '/inbox-pipelined',
  composioWebhook({ router: pipelinedInbox.router, secret, logger: false }),
);
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
  if (message.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
  if (message.type === 'stop') {
    server.close();
    Promise.all([inbox.close(), pipelinedInbox.close()]).then(() => {
      connection.disconnect();
      pipelined.disconnect();
      process.exit(0);
    });
  }
});
