/**
 * Starts the example on Node: `COMPOSIO_WEBHOOK_SECRET=... pnpm --filter example-hono start`
 * (PORT defaults to 3000). Point your Composio webhook subscription at
 * https://<your-host>/webhooks/composio.
 */
import { isWebhookError } from '@composio-webhooks/hono';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);

let app: ReturnType<typeof createApp>;
try {
  // The secret is read from COMPOSIO_WEBHOOK_SECRET when `secret` is not passed.
  app = createApp();
} catch (error) {
  if (!isWebhookError(error)) throw error;
  console.error(error.message);
  console.error('Set COMPOSIO_WEBHOOK_SECRET to your webhook subscription secret and start again.');
  process.exit(1);
}

const server = serve({ fetch: app.fetch, port }, () => {
  console.log(`Receiving Composio webhooks on http://localhost:${port}/webhooks/composio`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
