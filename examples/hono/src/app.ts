/**
 * A Hono app that receives Composio webhooks on POST /webhooks/composio, with one handler per
 * event type. `createApp` is exported so tests (and the demo) can serve it on any port.
 */
import {
  composioWebhook,
  createWebhookRouter,
  type IdempotencyStore,
  WebhookEventType,
} from '@composio-webhooks/hono';
import { Hono } from 'hono';

// Type the trigger payloads you subscribe to: `event.data` is then typed in onTrigger handlers.
declare module '@composio-webhooks/core' {
  interface TriggerPayloads {
    GITHUB_COMMIT_EVENT: {
      author: string;
      id: string;
      message: string;
      timestamp: string;
      url: string;
    };
  }
}

export interface HandledRecord {
  /** Which handler ran: githubCommit, triggerMessage, connectionExpired, triggerDisabled, unknownEvent. */
  handler: string;
  /** The delivery's webhook-id. */
  id: string;
  /** The event's `type`. */
  type: string;
}

export interface CreateAppOptions {
  /** The subscription's signing secret (several during a rotation). Default: COMPOSIO_WEBHOOK_SECRET. */
  secret?: string | string[];
  /** Called after each handler ran. Default: logs one line. */
  onHandled?: (record: HandledRecord) => void;
  /** Dedupe store (default: in memory; use @composio-webhooks/redis with several instances). */
  idempotency?: IdempotencyStore | false;
}

export function createApp(options: CreateAppOptions = {}): Hono {
  const onHandled =
    options.onHandled ??
    ((record: HandledRecord) =>
      console.log(`[webhook] ${record.handler} ${record.type} ${record.id}`));

  const router = createWebhookRouter()
    .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
      console.log(`[webhook] commit by ${event.data.author}: ${event.data.message}`);
      onHandled({ handler: 'githubCommit', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.TRIGGER_MESSAGE, (event, delivery) => {
      onHandled({ handler: 'triggerMessage', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.CONNECTION_EXPIRED, (event, delivery) => {
      console.log(`[webhook] ${event.data.toolkit.slug} connection ${event.data.id} expired`);
      onHandled({ handler: 'connectionExpired', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.TRIGGER_DISABLED, (event, delivery) => {
      onHandled({ handler: 'triggerDisabled', id: delivery.id, type: event.type });
    })
    .onUnknown((event, delivery) => {
      // A composio.* event type newer than this library: never an error.
      onHandled({ handler: 'unknownEvent', id: delivery.id, type: event.type });
    });

  const app = new Hono();
  app.post(
    '/webhooks/composio',
    composioWebhook({
      router,
      ...(options.secret !== undefined && { secret: options.secret }),
      ...(options.idempotency !== undefined && { idempotency: options.idempotency }),
    }),
  );
  app.get('/health', (c) => c.json({ ok: true }));
  return app;
}
