/**
 * The web process: `DATABASE_URL=… COMPOSIO_WEBHOOK_SECRET=… pnpm --filter example-pg-boss receiver`.
 * PORT (default 3000; 0 for any free one, printed once listening) and QUEUE_NAME (default
 * `composio-webhooks`, the same as the workers').
 */
import { createWebhookInbox } from '@composio-webhooks/pg-boss';
import { createReceiverApp, QUEUE_NAME } from './app.js';

const queueName = process.env.QUEUE_NAME ?? QUEUE_NAME;
const inbox = createWebhookInbox({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  queueName,
});
// pg-boss creates its schema and the queue on first start; do it before taking traffic.
await inbox.boss();

const server = createReceiverApp(inbox).listen(Number(process.env.PORT ?? 3000), () => {
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : process.env.PORT;
  console.log(`[receiver] POST http://localhost:${port}/webhooks/composio → queue ${queueName}`);
});

process.on('SIGTERM', () => {
  server.close();
  inbox.close().finally(() => process.exit(0));
});
