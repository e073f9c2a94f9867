/**
 * The web process: `REDIS_URL=… COMPOSIO_WEBHOOK_SECRET=… pnpm --filter example-bullmq receiver`.
 * PORT (default 3000; 0 for any free one, printed once listening) and QUEUE_NAME (default
 * `composio-webhooks`, the same as the workers').
 */
import { createWebhookInbox } from '@composio-webhooks/bullmq';
import { Redis } from 'ioredis';
import { createReceiverApp, QUEUE_NAME } from './app.js';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
connection.on('error', (error) => console.error('[receiver] redis:', error.message));
const queueName = process.env.QUEUE_NAME ?? QUEUE_NAME;
const inbox = createWebhookInbox({ connection, queueName });

const server = createReceiverApp(inbox).listen(Number(process.env.PORT ?? 3000), () => {
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : process.env.PORT;
  console.log(`[receiver] POST http://localhost:${port}/webhooks/composio → queue ${queueName}`);
});

process.on('SIGTERM', () => {
  server.close();
  inbox
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
