/**
 * Routes verified deliveries to handlers by event type or trigger slug. Every matching handler
 * runs (concurrently); their failures are collected into one `WebhookHandlerError`, which
 * reaches the `onError` handlers and then rejects `dispatch`.
 */
import { message, WebhookConfigError, WebhookHandlerError } from './errors.js';
import {
  type ComposioEvent,
  type ComposioEventOf,
  isKnownEventType,
  type KnownWebhookEventType,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  type WebhookDelivery,
  WebhookEventType,
} from './events.js';

/** A handler: the (narrowed) event, and the delivery it came in (id, attempt, version, raw). */
export type WebhookHandler<E = ComposioEvent> = (
  event: E,
  delivery: WebhookDelivery<E>,
) => unknown | Promise<unknown>;

export type WebhookErrorHandler = (
  error: WebhookHandlerError,
  delivery: WebhookDelivery,
) => unknown | Promise<unknown>;

/** Event types `on` accepts: the known ones (autocompleted) or any other `composio.*` type. */
export type RoutableEventType = KnownWebhookEventType | `composio.${string}`;

// Internally every handler is stored with the widest type; the public methods keep them precise.
type AnyHandler = WebhookHandler<never>;
type StoredHandler = (event: ComposioEvent, delivery: WebhookDelivery) => unknown;

export interface WebhookRouter {
  /** Handle one event type (or several); the handler's event is narrowed to that type. */
  on<T extends RoutableEventType>(
    type: T | readonly T[],
    handler: WebhookHandler<ComposioEventOf<T>>,
  ): WebhookRouter;
  /** Handle `composio.trigger.message` events of one trigger slug; `data` is typed from `TriggerPayloads`. */
  onTrigger<S extends string>(
    slug: S,
    handler: WebhookHandler<TriggerMessageEvent<S>>,
  ): WebhookRouter;
  /** Every event, known or not. */
  onAny(handler: WebhookHandler<ComposioEvent>): WebhookRouter;
  /** `composio.*` events this version does not know. */
  onUnknown(handler: WebhookHandler<UnknownComposioEvent>): WebhookRouter;
  /** Called with the collected failures of a delivery's handlers, before `dispatch` rejects. */
  onError(handler: WebhookErrorHandler): WebhookRouter;
  /** Removes a handler from every registration it has (on, onTrigger, onAny, onUnknown, onError). */
  off(handler: AnyHandler | WebhookErrorHandler): WebhookRouter;
  /** Runs every matching handler. Rejects with `WebhookHandlerError` when any of them throws. */
  dispatch(delivery: WebhookDelivery): Promise<void>;
  /** The handlers that would run for an event (no side effects); useful in tests and logs. */
  handlersFor(event: ComposioEvent): readonly WebhookHandler<never>[];
}

export function createWebhookRouter(): WebhookRouter {
  const byType = new Map<string, StoredHandler[]>();
  const bySlug = new Map<string, StoredHandler[]>();
  let any: StoredHandler[] = [];
  let unknown: StoredHandler[] = [];
  let errorHandlers: WebhookErrorHandler[] = [];

  function add(map: Map<string, StoredHandler[]>, key: string, handler: unknown): void {
    const list = map.get(key);
    if (list) list.push(handler as StoredHandler);
    else map.set(key, [handler as StoredHandler]);
  }

  function matching(event: ComposioEvent): readonly StoredHandler[] {
    const typed = byType.get(event.type);
    const slugged =
      event.type === WebhookEventType.TRIGGER_MESSAGE
        ? bySlug.get(event.metadata.trigger_slug)
        : undefined;
    // The common case (handlers by type only) allocates nothing.
    if (slugged === undefined && any.length === 0 && isKnownEventType(event.type)) {
      return typed ?? NO_HANDLERS;
    }
    const found: StoredHandler[] = [];
    if (typed) found.push(...typed);
    if (slugged) found.push(...slugged);
    else if (event.type !== WebhookEventType.TRIGGER_MESSAGE && !isKnownEventType(event.type)) {
      found.push(...unknown);
    }
    found.push(...any);
    return found;
  }

  const router: WebhookRouter = {
    on(type, handler) {
      const types: readonly string[] = typeof type === 'string' ? [type] : type;
      checkHandler(handler, 'on');
      for (const t of types) {
        if (typeof t !== 'string' || !t.startsWith('composio.')) {
          throw new WebhookConfigError(
            message(
              `router.on(${JSON.stringify(t)}): event types start with "composio." (use WebhookEventType.TRIGGER_MESSAGE, …); to route on a trigger slug use router.onTrigger(${JSON.stringify(t)}, handler).`,
            ),
          );
        }
        add(byType, t, handler);
      }
      return router;
    },
    onTrigger(slug, handler) {
      if (typeof slug !== 'string' || slug === '') {
        throw new WebhookConfigError(
          message(
            'router.onTrigger(slug, handler) needs a trigger slug such as "GITHUB_COMMIT_EVENT".',
          ),
        );
      }
      checkHandler(handler, 'onTrigger');
      add(bySlug, slug, handler);
      return router;
    },
    onAny(handler) {
      checkHandler(handler, 'onAny');
      any.push(handler as StoredHandler);
      return router;
    },
    onUnknown(handler) {
      checkHandler(handler, 'onUnknown');
      unknown.push(handler as StoredHandler);
      return router;
    },
    onError(handler) {
      checkHandler(handler, 'onError');
      errorHandlers.push(handler);
      return router;
    },
    off(handler) {
      const keep = (h: unknown) => h !== handler;
      for (const map of [byType, bySlug]) {
        for (const [key, list] of map) {
          const rest = list.filter(keep);
          if (rest.length === 0) map.delete(key);
          else map.set(key, rest);
        }
      }
      any = any.filter(keep);
      unknown = unknown.filter(keep);
      errorHandlers = errorHandlers.filter(keep);
      return router;
    },
    handlersFor(event) {
      return [...matching(event)] as unknown as WebhookHandler<never>[];
    },
    async dispatch(delivery) {
      const handlers = matching(delivery.event);
      if (handlers.length === 0) return;
      const errors: unknown[] = [];
      if (handlers.length === 1) {
        try {
          const result = (handlers[0] as StoredHandler)(delivery.event, delivery);
          // A synchronous handler's answer is not awaited (one microtask less per delivery).
          if (isThenable(result)) await result;
        } catch (error) {
          errors.push(error);
        }
      } else {
        const results = await Promise.allSettled(
          handlers.map(async (handler) => handler(delivery.event, delivery)),
        );
        for (const result of results) if (result.status === 'rejected') errors.push(result.reason);
      }
      if (errors.length === 0) return;
      const failure = new WebhookHandlerError(errors, delivery);
      for (const handler of errorHandlers) {
        try {
          await handler(failure, delivery);
        } catch (error) {
          // An error handler that throws must not hide the original failure; keep it alongside.
          (failure.errors as unknown[]).push(error);
        }
      }
      throw failure;
    },
  };
  matchers.set(router, matching);
  return router;
}

/** How each router made here finds an event's handlers (without copying them). */
const matchers = new WeakMap<WebhookRouter, (event: ComposioEvent) => readonly unknown[]>();

/**
 * Whether `router` has a handler for `event`; `undefined` for a router not made by
 * `createWebhookRouter` (e.g. an inbox's, whose handlers run elsewhere). Allocates nothing.
 */
export function hasHandlers(router: WebhookRouter, event: ComposioEvent): boolean | undefined {
  const matching = matchers.get(router);
  return matching === undefined ? undefined : matching(event).length > 0;
}

const NO_HANDLERS: readonly StoredHandler[] = [];

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function checkHandler(handler: unknown, method: string): void {
  if (typeof handler !== 'function') {
    throw new WebhookConfigError(
      message(`router.${method}(…) needs a handler function, got ${typeof handler}.`),
    );
  }
}
