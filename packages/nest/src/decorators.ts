/**
 * Method decorators that turn provider methods into Composio event handlers.
 *
 * Each method decorator checks the decorated method's parameter at compile time: the method
 * must accept the event the decorator routes to it (and may take the delivery as second
 * parameter), so `@OnConnectionExpired()` above `(event: TriggerMessageEvent) => …` is a type
 * error.
 */
import {
  type ComposioEvent,
  type ConnectionExpiredEvent,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  WebhookConfigError,
  type WebhookDelivery,
  WebhookEventType,
} from '@composio-webhooks/core';
import type { ComposioEventOf, RoutableEventType } from '@composio-webhooks/core/adapter';
import { COMPOSIO_HANDLER_METADATA, nestMessage } from './constants.js';

/** A method able to handle events of type `E`: called with the event and its delivery. */
export type ComposioEventHandler<E> = (event: E, delivery: WebhookDelivery<E>) => unknown;

/** A method decorator that only fits methods accepting `E`. */
export type ComposioHandlerDecorator<E> = <T extends ComposioEventHandler<E>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
) => void;

/** What a decorator records on a method; the explorer registers it on the core router. */
export type HandlerRegistration =
  | { kind: 'on'; types: readonly string[] }
  | { kind: 'trigger'; slug: string }
  | { kind: 'any' }
  | { kind: 'unknown' };

function handlerDecorator<E>(
  registration: HandlerRegistration,
  name: string,
): ComposioHandlerDecorator<E> {
  return (target, propertyKey, descriptor) => {
    if (isStandardDecoratorContext(propertyKey, descriptor)) {
      throw new WebhookConfigError(
        nestMessage(
          `@${name} was applied as a TC39 (stage 3) decorator. Nest decorators need TypeScript's legacy decorators: set "experimentalDecorators": true and "emitDecoratorMetadata": true in tsconfig.json.`,
        ),
      );
    }
    const method = descriptor?.value;
    if (typeof method !== 'function') {
      throw new WebhookConfigError(
        nestMessage(`@${name} decorates methods; ${String(propertyKey)} is not a method.`),
      );
    }
    if (typeof target === 'function') {
      throw new WebhookConfigError(
        nestMessage(
          `@${name} on static method ${target.name}.${String(propertyKey)}: handlers are instance methods of a provider.`,
        ),
      );
    }
    const existing: HandlerRegistration[] =
      Reflect.getOwnMetadata(COMPOSIO_HANDLER_METADATA, method) ?? [];
    Reflect.defineMetadata(COMPOSIO_HANDLER_METADATA, [...existing, registration], method);
  };
}

/**
 * True when the decorator was called the TC39 way, `(method, context)`, as TypeScript 5 does
 * without `experimentalDecorators`, instead of `(prototype, name, descriptor)`.
 */
function isStandardDecoratorContext(propertyKey: unknown, descriptor: unknown): boolean {
  return (
    descriptor === undefined &&
    typeof propertyKey === 'object' &&
    propertyKey !== null &&
    typeof (propertyKey as { kind?: unknown }).kind === 'string'
  );
}

/** The registrations left on a method by the decorators above (empty when none). */
export function handlerRegistrations(method: unknown): readonly HandlerRegistration[] {
  if (typeof method !== 'function') return [];
  return Reflect.getOwnMetadata(COMPOSIO_HANDLER_METADATA, method) ?? [];
}

/**
 * Makes a provider method the handler of one event type (or several), including `composio.*`
 * types this version does not know yet (typed `UnknownComposioEvent`).
 *
 * @param type a `WebhookEventType` (or `composio.*` string), or a list of them.
 * @example
 * ```ts
 * @OnComposioEvent([WebhookEventType.CONNECTION_EXPIRED, WebhookEventType.TRIGGER_DISABLED])
 * onLifecycle(event: ConnectionExpiredEvent | TriggerDisabledEvent) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#handlers
 */
export function OnComposioEvent<T extends RoutableEventType>(
  type: T | readonly T[],
): ComposioHandlerDecorator<ComposioEventOf<T>> {
  const types: readonly unknown[] = typeof type === 'string' ? [type] : type;
  if (!Array.isArray(types) || types.length === 0) {
    throw new WebhookConfigError(
      nestMessage(
        '@OnComposioEvent(type) needs an event type such as WebhookEventType.TRIGGER_MESSAGE.',
      ),
    );
  }
  for (const t of types) {
    if (typeof t !== 'string' || !t.startsWith('composio.')) {
      throw new WebhookConfigError(
        nestMessage(
          `@OnComposioEvent(${JSON.stringify(t)}): event types start with "composio." (use WebhookEventType.CONNECTION_EXPIRED, …); to handle a trigger slug use @OnTriggerMessage(${JSON.stringify(t)}).`,
        ),
      );
    }
  }
  return handlerDecorator({ kind: 'on', types: types as string[] }, 'OnComposioEvent');
}

/**
 * Makes a provider method the handler of `composio.trigger.message` events: of one trigger slug
 * (`data` typed from `TriggerPayloads`), or of every trigger when no slug is given.
 *
 * @param slug the trigger slug, e.g. `'GITHUB_COMMIT_EVENT'`; none: every trigger.
 * @example
 * ```ts
 * @OnTriggerMessage('GITHUB_COMMIT_EVENT')
 * onCommit(event: TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#handlers
 */
export function OnTriggerMessage<S extends string = string>(
  slug?: S,
): ComposioHandlerDecorator<TriggerMessageEvent<S>> {
  if (slug === undefined) {
    return handlerDecorator(
      { kind: 'on', types: [WebhookEventType.TRIGGER_MESSAGE] },
      'OnTriggerMessage',
    );
  }
  if (typeof slug !== 'string' || slug.trim() === '') {
    throw new WebhookConfigError(
      nestMessage(
        '@OnTriggerMessage(slug) needs a trigger slug such as "GITHUB_COMMIT_EVENT", or no argument for every trigger.',
      ),
    );
  }
  return handlerDecorator({ kind: 'trigger', slug }, 'OnTriggerMessage');
}

/**
 * Makes a provider method the handler of `composio.connected_account.expired`: the account needs
 * re-authentication.
 *
 * @example
 * ```ts
 * @OnConnectionExpired()
 * onExpired(event: ConnectionExpiredEvent) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#handlers
 */
export function OnConnectionExpired(): ComposioHandlerDecorator<ConnectionExpiredEvent> {
  return handlerDecorator(
    { kind: 'on', types: [WebhookEventType.CONNECTION_EXPIRED] },
    'OnConnectionExpired',
  );
}

/**
 * Makes a provider method the handler of `composio.trigger.disabled`: Composio disabled a
 * trigger by itself.
 *
 * @example
 * ```ts
 * @OnTriggerDisabled()
 * onDisabled(event: TriggerDisabledEvent) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#handlers
 */
export function OnTriggerDisabled(): ComposioHandlerDecorator<TriggerDisabledEvent> {
  return handlerDecorator(
    { kind: 'on', types: [WebhookEventType.TRIGGER_DISABLED] },
    'OnTriggerDisabled',
  );
}

/**
 * Makes a provider method the handler of every event, known or not (core's `router.onAny`).
 *
 * @example
 * ```ts
 * @OnAnyComposioEvent()
 * audit(event: ComposioEvent, delivery: WebhookDelivery) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#handlers
 */
export function OnAnyComposioEvent(): ComposioHandlerDecorator<ComposioEvent> {
  return handlerDecorator({ kind: 'any' }, 'OnAnyComposioEvent');
}

/**
 * Makes a provider method the handler of `composio.*` events this version does not know yet
 * (core's `router.onUnknown`).
 *
 * @example
 * ```ts
 * @OnUnknownComposioEvent()
 * onNewKind(event: UnknownComposioEvent) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#handlers
 */
export function OnUnknownComposioEvent(): ComposioHandlerDecorator<UnknownComposioEvent> {
  return handlerDecorator({ kind: 'unknown' }, 'OnUnknownComposioEvent');
}
