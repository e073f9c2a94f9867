import 'reflect-metadata';
import { isWebhookError, WebhookEventType } from '@composio-webhooks/core';
import { describe, expect, it } from 'vitest';
import {
  handlerRegistrations,
  OnAnyComposioEvent,
  OnComposioEvent,
  OnConnectionExpired,
  OnTriggerDisabled,
  OnTriggerMessage,
  OnUnknownComposioEvent,
} from './decorators.js';

describe('method decorators', () => {
  it('record what each method handles, several decorators on one method included', () => {
    class Handlers {
      @OnTriggerMessage('GITHUB_COMMIT_EVENT')
      commit(): void {}

      @OnTriggerMessage()
      trigger(): void {}

      @OnConnectionExpired()
      @OnTriggerDisabled()
      lifecycle(): void {}

      @OnComposioEvent([WebhookEventType.CONNECTION_EXPIRED, 'composio.future.event'])
      several(): void {}

      @OnAnyComposioEvent()
      any(): void {}

      @OnUnknownComposioEvent()
      unknown(): void {}

      plain(): void {}
    }
    const proto = Handlers.prototype;
    expect(handlerRegistrations(proto.commit)).toEqual([
      { kind: 'trigger', slug: 'GITHUB_COMMIT_EVENT' },
    ]);
    expect(handlerRegistrations(proto.trigger)).toEqual([
      { kind: 'on', types: ['composio.trigger.message'] },
    ]);
    // Decorators apply bottom-up.
    expect(handlerRegistrations(proto.lifecycle)).toEqual([
      { kind: 'on', types: ['composio.trigger.disabled'] },
      { kind: 'on', types: ['composio.connected_account.expired'] },
    ]);
    expect(handlerRegistrations(proto.several)).toEqual([
      { kind: 'on', types: ['composio.connected_account.expired', 'composio.future.event'] },
    ]);
    expect(handlerRegistrations(proto.any)).toEqual([{ kind: 'any' }]);
    expect(handlerRegistrations(proto.unknown)).toEqual([{ kind: 'unknown' }]);
    expect(handlerRegistrations(proto.plain)).toEqual([]);
    expect(handlerRegistrations(undefined)).toEqual([]);
  });

  it('a subclass inherits the handlers of methods it does not override', () => {
    class Base {
      @OnTriggerDisabled()
      disabled(): void {}
    }
    class Child extends Base {}
    expect(handlerRegistrations(Child.prototype.disabled)).toEqual([
      { kind: 'on', types: ['composio.trigger.disabled'] },
    ]);
  });

  it('refuses event types that are not composio.* (with a pointer to OnTriggerMessage)', () => {
    const attempt = () => OnComposioEvent('GITHUB_COMMIT_EVENT' as never);
    expect(attempt).toThrow(
      '[@composio-webhooks/nest] @OnComposioEvent("GITHUB_COMMIT_EVENT"): event types start with "composio."',
    );
    expect(attempt).toThrow('@OnTriggerMessage("GITHUB_COMMIT_EVENT")');
    try {
      attempt();
    } catch (error) {
      expect(isWebhookError(error) && error.code).toBe('INVALID_CONFIG');
    }
    expect(() => OnComposioEvent([] as never)).toThrow('needs an event type');
  });

  it('refuses an empty trigger slug', () => {
    expect(() => OnTriggerMessage('')).toThrow('@OnTriggerMessage(slug) needs a trigger slug');
    expect(() => OnTriggerMessage(' ')).toThrow('@OnTriggerMessage(slug) needs a trigger slug');
  });

  it('refuses static methods and non-methods', () => {
    const decorate = OnTriggerDisabled();
    class Host {
      static handle(): void {}
      instanceMethod(): void {}
    }
    const descriptor = Object.getOwnPropertyDescriptor(Host, 'handle') as PropertyDescriptor;
    expect(() => decorate(Host, 'handle', descriptor)).toThrow(
      '@OnTriggerDisabled on static method Host.handle: handlers are instance methods of a provider.',
    );
    expect(() => decorate(Host.prototype, 'value', { value: 42 } as never)).toThrow(
      '@OnTriggerDisabled decorates methods; value is not a method.',
    );
  });

  it('called the TC39 way (no experimentalDecorators): names the tsconfig fix', () => {
    const decorate = OnTriggerMessage('GITHUB_COMMIT_EVENT') as unknown as (
      value: unknown,
      context: unknown,
    ) => void;
    const method = function commit(): void {};
    const context = { kind: 'method', name: 'commit', static: false, private: false };
    let thrown: unknown;
    try {
      decorate(method, context);
    } catch (error) {
      thrown = error;
    }
    expect(isWebhookError(thrown) && thrown.code).toBe('INVALID_CONFIG');
    expect((thrown as Error).message).toContain(
      '[@composio-webhooks/nest] @OnTriggerMessage was applied as a TC39 (stage 3) decorator. Nest decorators need TypeScript\'s legacy decorators: set "experimentalDecorators": true and "emitDecoratorMetadata": true in tsconfig.json.',
    );
    expect(handlerRegistrations(method)).toEqual([]);
  });

  it('called the legacy way (experimentalDecorators): records the handler', () => {
    class Handlers {
      commit(): void {}
    }
    const descriptor = Object.getOwnPropertyDescriptor(Handlers.prototype, 'commit');
    OnTriggerMessage('GITHUB_COMMIT_EVENT')(Handlers.prototype, 'commit', descriptor as never);
    expect(handlerRegistrations(Handlers.prototype.commit)).toEqual([
      { kind: 'trigger', slug: 'GITHUB_COMMIT_EVENT' },
    ]);
  });
});
