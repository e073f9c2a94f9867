/**
 * Method decorators that turn provider methods into Composio event handlers, and the
 * `@ComposioDelivery()` parameter decorator of guard mode.
 *
 * Each method decorator checks the decorated method's parameter at compile time: the method
 * must accept the event the decorator routes to it (and may take the delivery as second
 * parameter), so `@OnConnectionExpired()` above `(event: TriggerMessageEvent) => …` is a type
 * error.
 */
import {
  type ComposioEvent,
  type ComposioEventOf,
  type ConnectionExpiredEvent,
  type RoutableEventType,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  WebhookConfigError,
  type WebhookDelivery,
  WebhookEventType,
} from '@composio-webhooks/core';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { COMPOSIO_HANDLER_METADATA, DELIVERY_REQUEST_PROPERTY, nestMessage } from './constants.js';

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
 * Handles one event type (or several): `@OnComposioEvent(WebhookEventType.CONNECTION_EXPIRED)`,
 * or a `composio.*` type this version does not know yet (typed `UnknownComposioEvent`).
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
 * Handles `composio.trigger.message` events: of one trigger slug (`data` typed from
 * `TriggerPayloads`), or of every trigger when no slug is given.
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

/** Handles `composio.connected_account.expired`: the account needs re-authentication. */
export function OnConnectionExpired(): ComposioHandlerDecorator<ConnectionExpiredEvent> {
  return handlerDecorator(
    { kind: 'on', types: [WebhookEventType.CONNECTION_EXPIRED] },
    'OnConnectionExpired',
  );
}

/** Handles `composio.trigger.disabled`: Composio disabled a trigger by itself. */
export function OnTriggerDisabled(): ComposioHandlerDecorator<TriggerDisabledEvent> {
  return handlerDecorator(
    { kind: 'on', types: [WebhookEventType.TRIGGER_DISABLED] },
    'OnTriggerDisabled',
  );
}

/** Handles every event, known or not (core's `router.onAny`). */
export function OnAnyComposioEvent(): ComposioHandlerDecorator<ComposioEvent> {
  return handlerDecorator({ kind: 'any' }, 'OnAnyComposioEvent');
}

/** Handles `composio.*` events this version does not know yet (core's `router.onUnknown`). */
export function OnUnknownComposioEvent(): ComposioHandlerDecorator<UnknownComposioEvent> {
  return handlerDecorator({ kind: 'unknown' }, 'OnUnknownComposioEvent');
}

/** A request that went through `ComposioWebhookGuard`. */
export interface ComposioWebhookRequest {
  [DELIVERY_REQUEST_PROPERTY]?: WebhookDelivery;
}

/** The delivery the guard verified for this request, if any. */
export function deliveryOf(request: unknown): WebhookDelivery | undefined {
  if (request === null || typeof request !== 'object') return undefined;
  return (request as ComposioWebhookRequest)[DELIVERY_REQUEST_PROPERTY];
}

export function deliveryFromContext(
  property: keyof WebhookDelivery | undefined,
  context: ExecutionContext,
): unknown {
  const delivery = deliveryOf(context.switchToHttp().getRequest());
  if (!delivery) {
    throw new WebhookConfigError(
      nestMessage(
        '@ComposioDelivery() found no verified delivery on this request: put @UseGuards(ComposioWebhookGuard) on the route (or its controller).',
      ),
    );
  }
  return property === undefined ? delivery : delivery[property];
}

/**
 * The verified `WebhookDelivery` of a route guarded by `ComposioWebhookGuard`;
 * `@ComposioDelivery('event')` gives one of its properties.
 */
export const ComposioDelivery: (property?: keyof WebhookDelivery) => ParameterDecorator =
  createParamDecorator(deliveryFromContext);
