/**
 * A Fastify app that receives Composio webhooks on POST /webhooks/composio (router mode, one
 * handler per event type) and, as an example of verify-only mode, on POST /webhooks/composio/own
 * with its own route. `createApp` is exported so tests (and the demo) can run it on any port.
 */
import {
  composioWebhooks,
  createWebhookRouter,
  type IdempotencyStore,
  type ReceiverOutcome,
  WebhookEventType,
} from '@composio-webhooks/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

// Type the trigger payloads you subscribe to: `event.data` is then typed in onTrigger handlers.
declare module '@composio-webhooks/fastify' {
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
  /** Which handler ran: githubCommit, triggerMessage, connectionExpired, triggerDisabled, unknownEvent, ownRoute. */
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
  /** Called once per webhook request with its outcome (status, code, id). */
  onOutcome?: (outcome: ReceiverOutcome) => void;
  /** Fastify's pino logger (default: off). */
  logger?: boolean;
}

export async function createApp(options: CreateAppOptions = {}): Promise<FastifyInstance> {
  const onHandled =
    options.onHandled ??
    ((record: HandledRecord) =>
      console.log(`[webhook] ${record.handler} ${record.type} ${record.id}`));
  const receiverOptions = {
    ...(options.secret !== undefined && { secret: options.secret }),
    ...(options.idempotency !== undefined && { idempotency: options.idempotency }),
    ...(options.onOutcome !== undefined && { onOutcome: options.onOutcome }),
  };

  const router = createWebhookRouter()
    .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
      // event.data is typed from TriggerPayloads above.
      console.log(`[webhook] commit by ${event.data.author}: ${event.data.message}`);
      onHandled({ handler: 'githubCommit', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.TRIGGER_MESSAGE, (event, delivery) => {
      // Every trigger, whatever its slug (V1 and V2 payloads arrive normalized to this shape).
      console.log(
        `[webhook] trigger ${event.metadata.trigger_slug} for user ${event.metadata.user_id}`,
      );
      onHandled({ handler: 'triggerMessage', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.CONNECTION_EXPIRED, (event, delivery) => {
      console.log(
        `[webhook] ${event.data.toolkit.slug} connection ${event.data.id} expired: ask the user to reconnect`,
      );
      onHandled({ handler: 'connectionExpired', id: delivery.id, type: event.type });
    })
    .on(WebhookEventType.TRIGGER_DISABLED, (event, delivery) => {
      console.log(
        `[webhook] trigger ${event.data.trigger_name} disabled: ${event.data.disabled_reason}`,
      );
      onHandled({ handler: 'triggerDisabled', id: delivery.id, type: event.type });
    })
    .onUnknown((event, delivery) => {
      // A composio.* event type newer than this library: never an error.
      onHandled({ handler: 'unknownEvent', id: delivery.id, type: event.type });
    });

  const app = Fastify({ logger: options.logger ?? false });
  // Router mode: the plugin serves the route in its own context, with its own raw body parsing;
  // the rest of the app keeps Fastify's JSON parser.
  await app.register(composioWebhooks, { router, path: '/webhooks/composio', ...receiverOptions });

  // Verify-only mode: your own route gets the verified delivery on request.composio, and its
  // reply's status settles it (2xx = processed; anything else = Composio's retry runs it again).
  await app.register(async (own) => {
    await own.register(composioWebhooks, receiverOptions);
    own.post(
      '/webhooks/composio/own',
      { preParsing: own.verifyComposioWebhook },
      async (request) => {
        const delivery = request.composio;
        if (!delivery) throw new Error('verifyComposioWebhook did not run');
        onHandled({ handler: 'ownRoute', id: delivery.id, type: delivery.event.type });
        return { received: delivery.id };
      },
    );
  });

  app.get('/health', async () => ({ ok: true }));
  app.post('/echo', async (request) => ({ parsed: request.body }));
  return app;
}
