import { describe, expectTypeOf, it } from 'vitest';
import type { WebhookHandlerError } from './errors.js';
import {
  type ComposioEvent,
  type ConnectionExpiredEvent,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  type WebhookDelivery,
  WebhookEventType,
} from './events.js';
import { createWebhookRouter } from './router.js';

declare module './events.js' {
  interface TriggerPayloads {
    SLACK_RECEIVE_MESSAGE: { channel: string; text: string; ts: string };
  }
}

describe('router typing', () => {
  const router = createWebhookRouter();

  it('narrows the event by registered type', () => {
    router.on(WebhookEventType.CONNECTION_EXPIRED, (event, delivery) => {
      expectTypeOf(event).toEqualTypeOf<ConnectionExpiredEvent>();
      expectTypeOf(event.data.toolkit.slug).toBeString();
      expectTypeOf(delivery).toEqualTypeOf<WebhookDelivery<ConnectionExpiredEvent>>();
      // @ts-expect-error trigger messages have metadata.trigger_slug, expiry events do not
      event.metadata.trigger_slug.toUpperCase();
    });
    router.on(WebhookEventType.TRIGGER_DISABLED, (event) => {
      expectTypeOf(event).toEqualTypeOf<TriggerDisabledEvent>();
      expectTypeOf(event.data.user_id).toEqualTypeOf<string | null | undefined>();
    });
    router.on(WebhookEventType.TRIGGER_MESSAGE, (event) => {
      expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent>();
      expectTypeOf(event.metadata.user_id).toEqualTypeOf<string | null | undefined>();
    });
    router.on('composio.something.new', (event) => {
      expectTypeOf(event).toEqualTypeOf<UnknownComposioEvent>();
    });
    router.on([WebhookEventType.CONNECTION_EXPIRED, WebhookEventType.TRIGGER_DISABLED], (event) => {
      expectTypeOf(event).toEqualTypeOf<ConnectionExpiredEvent | TriggerDisabledEvent>();
    });
  });

  it('types trigger data from the TriggerPayloads augmentation', () => {
    router.onTrigger('SLACK_RECEIVE_MESSAGE', (event) => {
      expectTypeOf(event.data).toEqualTypeOf<{ channel: string; text: string; ts: string }>();
      expectTypeOf(event.metadata.trigger_slug).toEqualTypeOf<'SLACK_RECEIVE_MESSAGE'>();
      // @ts-expect-error not a field of the declared payload
      event.data.author;
    });
    router.onTrigger('NOT_DECLARED_EVENT', (event) => {
      expectTypeOf(event.data).toEqualTypeOf<Record<string, unknown>>();
    });
  });

  it('gives onAny every event, onUnknown unknown events, onError the aggregated failure', () => {
    router.onAny((event) => {
      expectTypeOf(event).toEqualTypeOf<ComposioEvent>();
    });
    router.onUnknown((event) => {
      expectTypeOf(event).toEqualTypeOf<UnknownComposioEvent>();
    });
    router.onError((error, delivery) => {
      expectTypeOf(error).toEqualTypeOf<WebhookHandlerError>();
      expectTypeOf(error.errors).toEqualTypeOf<readonly unknown[]>();
      expectTypeOf(delivery).toEqualTypeOf<WebhookDelivery>();
    });
  });

  it('rejects handlers that expect the wrong event', () => {
    // @ts-expect-error a ConnectionExpired handler cannot take a TriggerMessageEvent
    router.on(WebhookEventType.CONNECTION_EXPIRED, (_event: TriggerMessageEvent) => {});
    // @ts-expect-error event types start with composio.
    router.on('GITHUB_COMMIT_EVENT', () => {});
  });
});
