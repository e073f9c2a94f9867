/**
 * The receiving side of an inbox: a router for any adapter whose `dispatch` puts the verified
 * delivery into the engine under the `webhook-id` (so copies collapse there) and resolves only
 * once the engine holds it. An engine that does not answer within `enqueueTimeoutMs`, or fails,
 * makes the receiver answer 503 STORE_UNAVAILABLE with `Retry-After`, and Composio retries.
 */
import { WebhookConfigError, WebhookError } from '../errors.js';
import type { WebhookDelivery } from '../events.js';
import type { WebhookHandler, WebhookRouter } from '../router.js';
import { describeError, type InboxEngineDescription } from './engine.js';
import { type InboxJobData, type InboxTracing, type ReceivedBody, toJobData } from './job.js';
import { takeReceivedBody } from './received-body.js';

/** One job as the receiving side hands it to the engine. */
export interface InboxJob {
  /** `webhook-id`: the engine's job id (or what it derives it from), so copies collapse. */
  id: string;
  /** The event type (`composio.trigger.message`, …), a job name for dashboards. */
  name: string;
  data: InboxJobData;
}

export interface InboxRouterOptions {
  engine: InboxEngineDescription;
  /**
   * Puts one job into the engine; resolves once the engine holds it durably. Idempotent by
   * `job.id`: a job whose id the engine already holds is not added again.
   */
  enqueue(job: InboxJob): Promise<unknown>;
  /** Deadline of one enqueue in ms; past it the receiver answers 503. `false`: none. */
  enqueueTimeoutMs: number | false;
  tracing?: InboxTracing | undefined;
  /** Store the exact raw body and the signature headers with each job. */
  keepBody?: boolean;
}

export interface InboxReceiving {
  /** The router adapters get: `dispatch` enqueues. */
  router: WebhookRouter;
  /** Queues one verified delivery (what `router.dispatch` does). */
  enqueue(delivery: WebhookDelivery, received?: ReceivedBody): Promise<void>;
}

const inboxRouters = new WeakMap<WebhookRouter, { keepBody: boolean }>();

/** True for a router made by `createInboxRouter` (it queues; it has no handlers). */
export function isInboxRouter(router: unknown): boolean {
  return typeof router === 'object' && router !== null && inboxRouters.has(router as WebhookRouter);
}

/**
 * True when `router` is an inbox router with `keepBody: true`: the receiver then passes the raw
 * body and headers of each verified delivery to `keepReceivedBody` before dispatching it.
 */
export function routerKeepsBody(router: unknown): boolean {
  return (
    typeof router === 'object' &&
    router !== null &&
    inboxRouters.get(router as WebhookRouter)?.keepBody === true
  );
}

export function createInboxRouter(options: InboxRouterOptions): InboxReceiving {
  const { engine, enqueueTimeoutMs, tracing } = options;
  const keepBody = options.keepBody === true;

  async function enqueue(delivery: WebhookDelivery, given?: ReceivedBody): Promise<void> {
    const received = keepBody ? (given ?? takeReceivedBody(delivery)) : undefined;
    if (keepBody && received === undefined) {
      throw new WebhookError(
        'HANDLER_FAILED',
        engine.message(
          `keepBody: true, but the receiver did not pass the raw body of delivery ${delivery.id} on; it was not queued. Use inbox.router with an adapter of this version of composio-webhooks, or call inbox.enqueue(delivery, { body, headers }) yourself.`,
        ),
      );
    }
    let data: InboxJobData;
    try {
      data = toJobData(delivery, { tracing, received });
    } catch (cause) {
      throw new WebhookError(
        'HANDLER_FAILED',
        engine.message(
          `Could not prepare delivery ${delivery.id} for the inbox (${describeError(cause)}).`,
        ),
        { cause },
      );
    }
    const adding = options.enqueue({ id: delivery.id, name: delivery.event.type, data });
    try {
      await withDeadline(adding, enqueueTimeoutMs, engine.storage);
    } catch (cause) {
      throw new WebhookError(
        'STORE_UNAVAILABLE',
        engine.message(
          `Could not queue delivery ${delivery.id} on ${engine.target} (${describeError(cause)}); answering 503 so Composio retries it.`,
        ),
        { cause },
      );
    }
  }

  const refuse = (method: string) => (): never => {
    throw new WebhookConfigError(
      engine.message(
        `inbox.router.${method}(…): inbox.router only queues deliveries. Register handlers on your own router (createWebhookRouter().${method}(…)) and run it with inbox.process(router).`,
      ),
    );
  };
  const router: WebhookRouter = {
    on: refuse('on'),
    onTrigger: refuse('onTrigger'),
    onAny: refuse('onAny'),
    onUnknown: refuse('onUnknown'),
    onError: refuse('onError'),
    off: () => router,
    dispatch: (delivery) => enqueue(delivery),
    handlersFor: (): readonly WebhookHandler<never>[] => [],
  };
  inboxRouters.set(router, { keepBody });
  return { router, enqueue };
}

/**
 * The processing side needs the router with the user's handlers: refuses anything else, and an
 * inbox router (it only queues), with a message that says what to pass.
 */
export function checkHandlerRouter(
  router: unknown,
  method: string,
  engine: Pick<InboxEngineDescription, 'message'>,
): asserts router is WebhookRouter {
  if (isInboxRouter(router)) {
    throw new WebhookConfigError(
      engine.message(
        `inbox.${method}(router) needs the router with your handlers, not inbox.router (that one only queues deliveries).`,
      ),
    );
  }
  if (
    router === null ||
    typeof router !== 'object' ||
    typeof (router as Partial<WebhookRouter>).dispatch !== 'function'
  ) {
    throw new WebhookConfigError(
      engine.message(
        `inbox.${method}(router) needs the router with your handlers: createWebhookRouter().on(…) from @composio-webhooks/core (or your adapter).`,
      ),
    );
  }
}

function withDeadline<T>(
  promise: Promise<T>,
  timeoutMs: number | false,
  storage: string,
): Promise<T> {
  if (timeoutMs === false) return promise;
  // A late settlement after the deadline must not surface as an unhandled rejection.
  promise.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${storage} did not accept the job within ${timeoutMs} ms`));
    }, timeoutMs);
    (timer as { unref?: () => void }).unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
