/**
 * The web process: `REDIS_URL=… COMPOSIO_WEBHOOK_SECRET=… pnpm --filter example-bullmq receiver`.
 * PORT (default 3000) for the port.
 */
import { createWebhookInbox } from '@composio-webhooks/bullmq';
import { Redis } from 'ioredis';
import { createReceiverApp, QUEUE_NAME } from './app.js';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
connection.on('error', (error) => console.error('[receiver] redis:', error.message));
const inbox = createWebhookInbox({ connection, queueName: QUEUE_NAME });

const port = Number(process.env.PORT ?? 3000);
const server = createReceiverApp(inbox).listen(port, () => {
  console.log(`[receiver] POST http://localhost:${port}/webhooks/composio → queue ${QUEUE_NAME}`);
});

process.on('SIGTERM', () => {
  server.close();
  inbox
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
