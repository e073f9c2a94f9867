/**
 * `createWebhookInbox`: a router for any adapter whose dispatch queues the verified delivery on
 * BullMQ (job id = webhook-id), and `process(router)`, the workers that run the real handlers.
 */
import type { WebhookDelivery, WebhookRouter } from '@composio-webhooks/core';
import {
  checkHandlerRouter,
  createInboxRouter,
  type ReceivedBody,
} from '@composio-webhooks/core/adapter';
import { Queue } from 'bullmq';
import { type InboxJobData, inboxJobId } from './job.js';
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
import { type InboxJobOptions, resolveInboxOptions, type WebhookInboxOptions } from './options.js';
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
  /**
   * Queues one verified delivery (what `router.dispatch` does). With `keepBody: true`, pass the
   * raw body and signature headers it came with.
   */
  enqueue(delivery: WebhookDelivery, received?: ReceivedBody): Promise<void>;
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

  // Core's inbox contract: verify → enqueue under the webhook-id → 200 once Redis has the job.
  const { router, enqueue } = createInboxRouter({
    engine: { message, target: `${prefix}:${queueName}`, storage: 'Redis' },
    enqueue: (job) => queue.add(job.name, job.data, { ...jobOptions, jobId: inboxJobId(job.id) }),
    enqueueTimeoutMs,
    tracing,
    keepBody: resolved.keepBody,
  });

  return {
    router,
    queue,
    queueName,
    prefix,
    jobOptions,
    enqueue,
    processor(handlers, processorOptions = {}) {
      checkHandlerRouter(handlers, 'processor', { message });
      return createInboxProcessor(handlers, {
        logger,
        ...(tracing && { tracing }),
        ...processorOptions,
      });
    },
    process(handlers, processOptions = {}) {
      checkHandlerRouter(handlers, 'process', { message });
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
