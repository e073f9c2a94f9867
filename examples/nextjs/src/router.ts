/**
 * The example's webhook handlers, one per event type, shared by the App Router and Pages Router
 * routes. What ran is kept in memory so `GET /api/demo/handled` can show it (the demo reads it).
 */
import { createWebhookRouter, WebhookEventType } from '@composio-webhooks/next';

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
  /** githubCommit, triggerMessage, connectionExpired, triggerDisabled, unknownEvent. */
  handler: string;
  /** The delivery's webhook-id. */
  id: string;
  /** The event's `type`. */
  type: string;
}

// One list per server process, whichever route bundle imports this module.
const store = globalThis as { __exampleHandled?: HandledRecord[] };
store.__exampleHandled ??= [];
export const handled: HandledRecord[] = store.__exampleHandled;

function record(handler: string, id: string, type: string): void {
  handled.push({ handler, id, type });
  console.log(`[webhook] ${handler} ${type} ${id}`);
}

export const router = createWebhookRouter()
  .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
    // event.data is typed from TriggerPayloads above.
    console.log(`[webhook] commit by ${event.data.author}: ${event.data.message}`);
    record('githubCommit', delivery.id, event.type);
  })
  .on(WebhookEventType.TRIGGER_MESSAGE, (event, delivery) => {
    record('triggerMessage', delivery.id, event.type);
  })
  .on(WebhookEventType.CONNECTION_EXPIRED, (event, delivery) => {
    console.log(`[webhook] ${event.data.toolkit.slug} connection ${event.data.id} expired`);
    record('connectionExpired', delivery.id, event.type);
  })
  .on(WebhookEventType.TRIGGER_DISABLED, (event, delivery) => {
    record('triggerDisabled', delivery.id, event.type);
  })
  .onUnknown((event, delivery) => {
    // A composio.* event type newer than this library: never an error.
    record('unknownEvent', delivery.id, event.type);
  });
