/**
 * `createWebhookInbox`: a router for any adapter whose dispatch queues the verified delivery on
 * BullMQ (job id = webhook-id), and `process(router)`, the workers that run the real handlers.
 */
import {
  type WebhookDelivery,
  WebhookError,
  type WebhookHandler,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { Queue } from 'bullmq';
import { type InboxJobData, inboxJobId, toJobData } from './job.js';
import { describeError, message } from './messages.js';
import {
  type FailedDelivery,
  type InboxStats,
  inboxStats,
  listFailed,
  replayCompleted,
  retryAllFailed,
  retryFailed,
} from './operations.js';
import {
  configError,
  type InboxJobOptions,
  resolveInboxOptions,
  type WebhookInboxOptions,
} from './options.js';
import {
  createInboxProcessor,
  type InboxProcessor,
  type InboxWorker,
  type ProcessOptions,
  type ProcessorOptions,
  startWorker,
} from './worker.js';

export interface WebhookInbox {
  /**
   * Pass it where a router goes (`composioWebhook({ router: inbox.router })`): each verified
   * delivery is queued and answered 200 once BullMQ has it; Redis unreachable → 503.
   */
  readonly router: WebhookRouter;
  /** The BullMQ queue (for dashboards such as Bull Board, or your own operations). */
  readonly queue: Queue<InboxJobData>;
  readonly queueName: string;
  readonly prefix: string;
  /** The job options every delivery is queued with (the defaults merged with `jobOptions`). */
  readonly jobOptions: Readonly<InboxJobOptions>;
  /** Queues one verified delivery (what `router.dispatch` does). */
  enqueue(delivery: WebhookDelivery): Promise<void>;
  /** Starts a BullMQ Worker that runs `router`'s handlers on the queued deliveries. */
  process(router: WebhookRouter, options?: ProcessOptions): InboxWorker;
  /** Job counts by state. */
  stats(): Promise<InboxStats>;
  /** The dead letters, most recently failed first (default the newest 100). */
  failed(options?: { limit?: number }): Promise<FailedDelivery[]>;
  /** Runs one dead letter again, with a fresh set of attempts. */
  retry(webhookId: string): Promise<void>;
  /** Runs every dead letter again; resolves to how many. */
  retryAll(): Promise<number>;
  /** Runs again the deliveries processed at or after `since`; resolves to how many. */
  replay(options: { since: Date | number }): Promise<number>;
  /**
   * The BullMQ processor function `process` runs (handlers, logging, retries by rethrowing), for
   * workers you create yourself, e.g. `WorkerHost.process` of `@nestjs/bullmq`.
   */
  processor(router: WebhookRouter, options?: ProcessorOptions): InboxProcessor;
  /** Closes the workers `process` started and the queue (not a queue or connection you passed). */
  close(): Promise<void>;
}

const inboxRouters = new WeakSet<WebhookRouter>();

export function createWebhookInbox(options: WebhookInboxOptions): WebhookInbox {
  const resolved = resolveInboxOptions(options);
  const { connection, queueName, prefix, jobOptions, enqueueTimeoutMs, logger, tracing } = resolved;
  const ownsQueue = resolved.queue === undefined;
  const queue =
    (resolved.queue as Queue<InboxJobData> | undefined) ??
    new Queue<InboxJobData>(queueName, { connection, prefix });
  if (ownsQueue) {
    queue.on('error', (error) => {
      if (logger) logger.error(message(`Queue ${queueName}: ${describeError(error)}`), error);
    });
  }
  const workers = new Set<InboxWorker>();

  async function enqueue(delivery: WebhookDelivery): Promise<void> {
    const adding = queue.add(delivery.event.type, toJobData(delivery, tracing), {
      ...jobOptions,
      jobId: inboxJobId(delivery.id),
    });
    try {
      await withDeadline(adding, enqueueTimeoutMs);
    } catch (cause) {
      throw new WebhookError(
        'STORE_UNAVAILABLE',
        message(
          `Could not queue delivery ${delivery.id} on ${prefix}:${queueName} (${describeError(cause)}); answering 503 so Composio retries it.`,
        ),
        { cause },
      );
    }
  }

  const router = inboxRouter(enqueue);

  return {
    router,
    queue,
    queueName,
    prefix,
    jobOptions,
    enqueue,
    processor(handlers, processorOptions = {}) {
      refuseInboxRouter(handlers, 'processor');
      return createInboxProcessor(handlers, {
        logger,
        ...(tracing && { tracing }),
        ...processorOptions,
      });
    },
    process(handlers, processOptions = {}) {
      refuseInboxRouter(handlers, 'process');
      const worker = startWorker(handlers, processOptions, {
        queueName,
        prefix,
        connection,
        logger,
        tracing,
      });
      workers.add(worker);
      worker.on('closed', () => workers.delete(worker));
      return worker;
    },
    stats: () => inboxStats(queue),
    failed: (listOptions) => listFailed(queue, listOptions),
    retry: (webhookId) => retryFailed(queue, webhookId),
    retryAll: () => retryAllFailed(queue),
    replay: ({ since }) => replayCompleted(queue, since),
    async close() {
      await Promise.all([...workers].map((worker) => worker.close()));
      if (ownsQueue) await queue.close();
    },
  };
}

function refuseInboxRouter(router: WebhookRouter, method: string): void {
  if (inboxRouters.has(router)) {
    throw configError(
      `inbox.${method}(router) needs the router with your handlers, not inbox.router (that one only queues deliveries).`,
    );
  }
}

/**
 * The router the adapters get: `dispatch` queues. Handlers belong on the router given to
 * `process`, so registering one here is a set-up mistake, reported at once.
 */
function inboxRouter(enqueue: (delivery: WebhookDelivery) => Promise<void>): WebhookRouter {
  const refuse = (method: string) => (): never => {
    throw configError(
      `inbox.router.${method}(…): inbox.router only queues deliveries. Register handlers on your own router (createWebhookRouter().${method}(…)) and run it with inbox.process(router).`,
    );
  };
  const router: WebhookRouter = {
    on: refuse('on'),
    onTrigger: refuse('onTrigger'),
    onAny: refuse('onAny'),
    onUnknown: refuse('onUnknown'),
    onError: refuse('onError'),
    off: () => router,
    dispatch: enqueue,
    handlersFor: (): readonly WebhookHandler<never>[] => [],
  };
  inboxRouters.add(router);
  return router;
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number | false): Promise<T> {
  if (timeoutMs === false) return promise;
  // A late settlement after the deadline must not surface as an unhandled rejection.
  promise.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Redis did not accept the job within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref?.();
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
