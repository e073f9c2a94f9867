/**
 * The method decorators check the decorated method's parameters at compile time: a method that
 * cannot take the event the decorator routes to it does not compile.
 */
import {
  type ComposioEvent,
  type ConnectionExpiredEvent,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  type WebhookDelivery,
  WebhookEventType,
} from '@composio-webhooks/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  ComposioDelivery,
  OnAnyComposioEvent,
  OnComposioEvent,
  OnConnectionExpired,
  OnTriggerDisabled,
  OnTriggerMessage,
  OnUnknownComposioEvent,
} from './index.js';

// As the README says: augmenting through this package reaches the interface core types data with.
declare module '@composio-webhooks/nest' {
  interface TriggerPayloads {
    TYPED_TEST_TRIGGER: { ticket: number; title: string };
  }
}

describe('decorated methods must accept their event', () => {
  it('accepts methods taking the routed event, a wider one, the delivery, or nothing', () => {
    class Handlers {
      @OnConnectionExpired()
      expired(event: ConnectionExpiredEvent, delivery: WebhookDelivery<ConnectionExpiredEvent>) {
        return [event.data.toolkit.slug, delivery.id];
      }

      @OnConnectionExpired()
      wide(event: ComposioEvent, delivery: WebhookDelivery) {
        return [event.type, delivery.attempt];
      }

      @OnTriggerDisabled()
      async disabled(event: TriggerDisabledEvent): Promise<void> {
        await Promise.resolve(event.data.disabled_reason);
      }

      @OnTriggerMessage()
      anyTrigger(event: TriggerMessageEvent) {
        return event.metadata.trigger_slug;
      }

      @OnTriggerMessage('TYPED_TEST_TRIGGER')
      typed(event: TriggerMessageEvent<'TYPED_TEST_TRIGGER'>) {
        expectTypeOf(event.data.ticket).toEqualTypeOf<number>();
      }

      @OnComposioEvent(WebhookEventType.TRIGGER_DISABLED)
      byType(event: TriggerDisabledEvent) {
        return event.data.trigger_name;
      }

      @OnComposioEvent([WebhookEventType.CONNECTION_EXPIRED, WebhookEventType.TRIGGER_DISABLED])
      several(event: ConnectionExpiredEvent | TriggerDisabledEvent) {
        return event.type;
      }

      @OnComposioEvent('composio.connected_account.refreshed')
      future(event: UnknownComposioEvent) {
        return event.data;
      }

      @OnUnknownComposioEvent()
      unknown(event: UnknownComposioEvent) {
        return event.type;
      }

      @OnAnyComposioEvent()
      any(event: ComposioEvent) {
        return event.id;
      }

      @OnTriggerDisabled()
      noArguments() {
        return 'anything';
      }
    }
    expectTypeOf(Handlers).toBeConstructibleWith();
  });

  it('rejects methods whose parameter does not fit the routed event', () => {
    class Wrong {
      // @ts-expect-error an expired connection is not a trigger message
      @OnConnectionExpired()
      expired(event: TriggerMessageEvent) {
        return event.metadata.trigger_slug;
      }

      // @ts-expect-error a trigger message is not a disabled trigger
      @OnTriggerMessage()
      trigger(event: TriggerDisabledEvent) {
        return event.data;
      }

      // @ts-expect-error every trigger message is not necessarily a TYPED_TEST_TRIGGER one
      @OnTriggerMessage()
      narrowed(event: TriggerMessageEvent<'TYPED_TEST_TRIGGER'>) {
        return event.data.ticket;
      }

      // @ts-expect-error an event of another slug does not have this data
      @OnTriggerMessage('GITHUB_STAR_ADDED_EVENT')
      otherSlug(event: TriggerMessageEvent<'TYPED_TEST_TRIGGER'>) {
        return event.data.title;
      }

      // @ts-expect-error onAny receives unknown events too
      @OnAnyComposioEvent()
      any(event: TriggerMessageEvent | ConnectionExpiredEvent | TriggerDisabledEvent) {
        return event.id;
      }

      // @ts-expect-error a disabled trigger can arrive here too
      @OnComposioEvent([WebhookEventType.CONNECTION_EXPIRED, WebhookEventType.TRIGGER_DISABLED])
      several(event: ConnectionExpiredEvent) {
        return event.data;
      }

      // @ts-expect-error the second parameter is the delivery
      @OnTriggerDisabled()
      badDelivery(event: TriggerDisabledEvent, delivery: string) {
        return [event, delivery];
      }

      // @ts-expect-error handlers get two arguments: a third required one is never given
      @OnTriggerDisabled()
      tooMany(event: TriggerDisabledEvent, delivery: WebhookDelivery, extra: number) {
        return [event, delivery, extra];
      }
    }
    expectTypeOf(Wrong).toBeConstructibleWith();
  });

  it('OnComposioEvent takes composio.* types only; decorators are for methods', () => {
    // @ts-expect-error a trigger slug is not an event type (use OnTriggerMessage)
    OnComposioEvent('GITHUB_COMMIT_EVENT');
    class NotAMethod {
      // @ts-expect-error a property is not a handler
      @OnTriggerDisabled()
      value = 1;
    }
    expectTypeOf(NotAMethod).toBeConstructibleWith();
  });

  it('@ComposioDelivery() takes a delivery property name', () => {
    expectTypeOf(ComposioDelivery).parameter(0).toEqualTypeOf<keyof WebhookDelivery | undefined>();
    // @ts-expect-error not a property of WebhookDelivery
    ComposioDelivery('body');
  });
});
