/**
 * `createWebhookInbox`: a router for any adapter whose dispatch puts the verified delivery into a
 * pg-boss queue (job id derived from the webhook-id), and `process(router)`, the workers that run
 * the real handlers. Core's inbox contract does the rest.
 */
import type { WebhookDelivery, WebhookRouter } from '@composio-webhooks/core';
import {
  checkHandlerRouter,
  createInboxRouter,
  type ReceivedBody,
} from '@composio-webhooks/core/adapter';
import type PgBoss from 'pg-boss';
import { connectBoss } from './connection.js';
import { inboxJobId } from './job-id.js';
import { message } from './messages.js';
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
import { type InboxWorker, type ProcessOptions, startWorker } from './worker.js';

export interface WebhookInbox {
  /**
   * Pass it where a router goes (`composioWebhook({ router: inbox.router })`): each verified
   * delivery becomes a pg-boss job and is answered 200 once PostgreSQL has it; unreachable → 503.
   */
  readonly router: WebhookRouter;
  readonly queueName: string;
  /** The pg-boss schema. */
  readonly schema: string;
  /** The job options every delivery is queued with (the defaults merged with `jobOptions`). */
  readonly jobOptions: Readonly<Required<InboxJobOptions>>;
  /** The started `PgBoss` (yours, or the inbox's own), with the queue created. */
  boss(): Promise<PgBoss>;
  /**
   * Queues one verified delivery (what `router.dispatch` does). With `keepBody: true`, pass the
   * raw body and signature headers it came with.
   */
  enqueue(delivery: WebhookDelivery, received?: ReceivedBody): Promise<void>;
  /** Starts a worker that runs `router`'s handlers on the queued deliveries. */
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
  /** Closes the workers `process` started, then stops the inbox's own `PgBoss` (never yours). */
  close(): Promise<void>;
}

export function createWebhookInbox(options: WebhookInboxOptions): WebhookInbox {
  const resolved = resolveInboxOptions(options);
  const { queueName, schema, jobOptions, enqueueTimeoutMs, logger, tracing } = resolved;
  const connection = connectBoss(resolved);
  const workers = new Set<InboxWorker>();

  // Core's inbox contract: verify → a job under the webhook-id → 200 once PostgreSQL has it.
  const { router, enqueue } = createInboxRouter({
    engine: { message, target: `${schema}.${queueName}`, storage: 'PostgreSQL' },
    enqueue: async (job) => {
      const boss = await connection.ready();
      // null when the queue already holds this id: a copy, collapsed.
      return boss.send(queueName, job.data as unknown as object, {
        ...jobOptions,
        id: inboxJobId(job.id),
      });
    },
    enqueueTimeoutMs,
    tracing,
    keepBody: resolved.keepBody,
  });
  const query = connection.query;

  return {
    router,
    queueName,
    schema,
    jobOptions,
    boss: connection.ready,
    enqueue,
    process(handlers, processOptions = {}) {
      checkHandlerRouter(handlers, 'process', { message });
      const worker = startWorker(handlers, processOptions, {
        ready: connection.ready,
        queueName,
        logger,
        tracing,
      });
      workers.add(worker);
      return {
        get running() {
          return worker.running;
        },
        close: async () => {
          await worker.close();
          workers.delete(worker);
        },
      };
    },
    stats: () => inboxStats(query, schema, queueName),
    failed: (listOptions) => listFailed(query, schema, queueName, listOptions),
    retry: (webhookId) => retryFailed(query, schema, queueName, webhookId),
    retryAll: () => retryAllFailed(query, schema, queueName),
    replay: ({ since }) => replayCompleted(query, schema, queueName, since),
    async close() {
      await Promise.all([...workers].map((worker) => worker.close()));
      workers.clear();
      await connection.close();
    },
  };
}
