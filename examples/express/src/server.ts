/**
 * Starts the example: `COMPOSIO_WEBHOOK_SECRET=... pnpm --filter example-express start`
 * (PORT defaults to 3000). Point your Composio webhook subscription at
 * https://<your-host>/webhooks/composio.
 */
import { isWebhookError } from '@composio-webhooks/express';
import { createApp } from './app.js';
// Precompiled validators of the github triggers' data (`pnpm build` generates them): a delivery
// whose data is off its schema is logged with the field's JSON pointer, and still handled.
import { triggerValidators } from './composio-validators.js';

const port = Number(process.env.PORT ?? 3000);

let app: ReturnType<typeof createApp>;
try {
  // The secret is read from COMPOSIO_WEBHOOK_SECRET when `secret` is not passed.
  app = createApp({ triggerValidators });
} catch (error) {
  if (!isWebhookError(error)) throw error;
  console.error(error.message);
  console.error('Set COMPOSIO_WEBHOOK_SECRET to your webhook subscription secret and start again.');
  process.exit(1);
}

const server = app.listen(port, () => {
  console.log(`Receiving Composio webhooks on http://localhost:${port}/webhooks/composio`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
