/**
 * An Express app that receives Composio webhooks on POST /webhooks/composio, with one handler
 * per event type. `createApp` is exported so tests (and the demo) can run it on any port.
 */

import type { TriggerMismatchPolicy, TriggerValidators } from '@composio-webhooks/core';
import {
  composioWebhook,
  createWebhookRouter,
  type IdempotencyStore,
  type ReceiverOutcome,
  WebhookEventType,
} from '@composio-webhooks/express';
import express, { type Express } from 'express';

// `event.data` of the trigger slugs handled here is typed by src/composio-triggers.d.ts, which
// `pnpm build` generates from Composio's schemas of the github toolkit (saved answers of the
// trigger types API, so the build is offline and reproducible):
//   composio-webhooks generate types --toolkits github --from-file <answers.json> --out src/composio-triggers.d.ts
// Against the live API: drop --from-file and set COMPOSIO_API_KEY.

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
  /** Called once per webhook request with its outcome (status, code, id). */
  onOutcome?: (outcome: ReceiverOutcome) => void;
  /** Checks of trigger data against Composio's schemas: the generated src/composio-validators.js. */
  triggerValidators?: TriggerValidators;
  /** `'warn'` (default: log, still handle) or `'strict'` (answer 400). */
  triggerMismatch?: TriggerMismatchPolicy;
}

export function createApp(options: CreateAppOptions = {}): Express {
  const onHandled =
    options.onHandled ??
    ((record: HandledRecord) =>
      console.log(`[webhook] ${record.handler} ${record.type} ${record.id}`));

  const router = createWebhookRouter()
    .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
      // event.data is typed from the generated TriggerPayloads.
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

  const app = express();
  // The webhook route comes before express.json(), so the middleware reads the raw body itself.
  app.post(
    '/webhooks/composio',
    composioWebhook({
      router,
      ...(options.secret !== undefined && { secret: options.secret }),
      ...(options.idempotency !== undefined && { idempotency: options.idempotency }),
      ...(options.onOutcome !== undefined && { onOutcome: options.onOutcome }),
      ...(options.triggerValidators !== undefined && {
        triggerValidators: options.triggerValidators,
      }),
      ...(options.triggerMismatch !== undefined && { triggerMismatch: options.triggerMismatch }),
    }),
  );

  // The rest of the app parses JSON as usual.
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
