/**
 * The two halves of the inbox: `createReceiverApp` (Express: verify, store the job, answer 200 at
 * once) and `createHandlers` (the router the worker process runs, with deliberately slow
 * handlers). Exported so the tests run them on any port and any database.
 */
import { composioWebhook, createWebhookRouter, WebhookEventType } from '@composio-webhooks/express';
import type { WebhookInbox } from '@composio-webhooks/pg-boss';
import express, { type Express } from 'express';

export const QUEUE_NAME = 'composio-webhooks';

export interface HandledRecord {
  /** Which handler ran: githubCommit, triggerMessage, connectionExpired, triggerDisabled, unknownEvent. */
  handler: string;
  /** The delivery's webhook-id: the key to make side effects idempotent with. */
  id: string;
  type: string;
}

export function createReceiverApp(inbox: WebhookInbox, options: { secret?: string } = {}): Express {
  const app = express();
  // Answers 200 once PostgreSQL has the job, 503 when it is unreachable (Composio retries).
  app.post('/webhooks/composio', composioWebhook({ router: inbox.router, secret: options.secret }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

export function createHandlers(
  options: { delayMs?: number; onHandled?: (record: HandledRecord) => void } = {},
) {
  const delayMs = options.delayMs ?? 2_000;
  const onHandled =
    options.onHandled ??
    ((record: HandledRecord) =>
      console.log(`[worker] ${record.handler} ${record.type} ${record.id}`));
  const slowWork = () => new Promise((resolve) => setTimeout(resolve, delayMs));

  return createWebhookRouter()
    .onTrigger('GITHUB_COMMIT_EVENT', async (event, delivery) => {
      // Stands for an agent run or a sync: far too slow to run inside the webhook request.
      await slowWork();
      onHandled({ handler: 'githubCommit', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.TRIGGER_MESSAGE, (event, delivery) => {
      // Every trigger, whatever its slug (V1 and V2 payloads arrive normalized to this shape).
      onHandled({ handler: 'triggerMessage', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.CONNECTION_EXPIRED, async (event, delivery) => {
      await slowWork();
      onHandled({ handler: 'connectionExpired', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.TRIGGER_DISABLED, (event, delivery) => {
      onHandled({ handler: 'triggerDisabled', id: delivery.id, type: event.type });
    })
    .onUnknown((event, delivery) => {
      onHandled({ handler: 'unknownEvent', id: delivery.id, type: event.type });
    });
}
