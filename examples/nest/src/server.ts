/**
 * Starts the example: `COMPOSIO_WEBHOOK_SECRET=... pnpm --filter example-nest start`
 * (PORT defaults to 3000, NEST_PLATFORM=fastify for the Fastify platform). Point your Composio
 * webhook subscription at https://<your-host>/webhooks/composio.
 */
import { isWebhookError } from '@composio-webhooks/core';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const platform = process.env.NEST_PLATFORM === 'fastify' ? 'fastify' : 'express';

try {
  // The secret comes from COMPOSIO_WEBHOOK_SECRET (environment or .env) through ConfigService.
  const app = await createApp({ platform });
  app.enableShutdownHooks();
  await app.listen(port);
  console.log(
    `Receiving Composio webhooks on http://localhost:${port}/webhooks/composio (${platform})`,
  );
} catch (error) {
  if (!isWebhookError(error)) throw error;
  console.error(error.message);
  console.error('Set COMPOSIO_WEBHOOK_SECRET to your webhook subscription secret and start again.');
  process.exit(1);
}
