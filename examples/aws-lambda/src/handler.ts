/**
 * A Lambda function receiving Composio webhooks: one handler per event type. The secret is the
 * function's COMPOSIO_WEBHOOK_SECRET (serverless.yml). Build the handler at module scope, so a
 * warm instance reuses it.
 */
import {
  composioWebhook,
  createWebhookRouter,
  WebhookEventType,
} from '@composio-webhooks/aws-lambda';

const router = createWebhookRouter()
  .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
    console.log(`[webhook] githubCommit ${event.type} ${delivery.id}`);
  })
  .on(WebhookEventType.TRIGGER_MESSAGE, (event, delivery) => {
    console.log(`[webhook] trigger ${event.metadata.trigger_slug} ${delivery.id}`);
  })
  .on(WebhookEventType.CONNECTION_EXPIRED, (event, delivery) => {
    console.log(`[webhook] connectionExpired ${event.data.toolkit.slug} ${delivery.id}`);
  })
  .on(WebhookEventType.TRIGGER_DISABLED, (event, delivery) => {
    console.log(`[webhook] triggerDisabled ${event.data.trigger_name} ${delivery.id}`);
  });

// Several instances run concurrently on Lambda: for dedupe across them pass a shared store,
// e.g. idempotency: new PostgresIdempotencyStore({ pool }) from @composio-webhooks/postgres.
export const handler = composioWebhook({ router });
