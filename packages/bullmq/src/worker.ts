/**
 * `inbox.process(router)`: a BullMQ Worker that runs the user's handlers on queued deliveries.
 * A handler failure is logged with the webhook-id and the attempt and rethrown, so BullMQ retries
 * it with backoff and, after the last attempt, leaves it in the failed set (the dead letters).
 */
import type { WebhookLogger, WebhookRouter } from '@composio-webhooks/core';
import { createInboxRunner } from '@composio-webhooks/core/adapter';
import {
  type ConnectionOptions,
  isRedisInstance,
  type Job,
  UnrecoverableError,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import type { InboxJobData, InboxTracing } from './job.js';
import { BULLMQ_RETRIES, describeError, message } from './messages.js';

/** Worker options: BullMQ's (concurrency, lockDuration, stalledInterval, …) plus a logger. */
export interface ProcessOptions extends Omit<WorkerOptions, 'connection' | 'prefix'> {
  /** A connection for this worker instead of the inbox's (e.g. another ioredis client). */
  connection?: ConnectionOptions;
  /** Where handler failures go. Default: the inbox's logger. */
  logger?: WebhookLogger | false;
}

export type InboxWorker = Worker<InboxJobData>;

interface WorkerContext {
  queueName: string;
  prefix: string;
  connection: ConnectionOptions;
  logger: WebhookLogger | false;
  tracing: InboxTracing | undefined;
}

/** Part of an ioredis `Redis`/`Cluster` the inbox uses to give a worker its own connection. */
interface IoredisLike {
  readonly isCluster?: boolean;
  readonly options: { maxRetriesPerRequest?: number | null; redisOptions?: object };
  duplicate(...args: unknown[]): IoredisLike & { disconnect(): void };
}

/** What `inbox.processor(router)` takes. */
export interface ProcessorOptions {
  /** Where handler failures go. Default: the inbox's logger. */
  logger?: WebhookLogger | false;
  /** Continues the receiving request's trace around the handlers. Default: the inbox's. */
  tracing?: InboxTracing;
}

/** A BullMQ processor function: runs the handlers of one queued delivery. */
export type InboxProcessor = (job: Job<InboxJobData>) => Promise<void>;

/**
 * The processor of inbox jobs: core's inbox runner (rebuilds the delivery, dispatches it to
 * `router`, logs a failure with the webhook-id and the attempt, and rethrows so BullMQ retries or
 * dead-letters it), fed with BullMQ's attempt counts.
 */
export function createInboxProcessor(
  router: WebhookRouter,
  options: ProcessorOptions = {},
): InboxProcessor {
  const run = createInboxRunner(router, {
    engine: { message, ...BULLMQ_RETRIES },
    logger: options.logger,
    tracing: options.tracing,
    malformed: (_jobId, text) => new UnrecoverableError(text),
  });
  return (job) =>
    run({
      jobId: String(job.id),
      data: job.data,
      attempt: job.attemptsMade + 1,
      attempts: job.opts.attempts ?? 1,
      receivedAt: job.timestamp,
    });
}

export function startWorker(
  router: WebhookRouter,
  options: ProcessOptions,
  context: WorkerContext,
): InboxWorker {
  const { connection: own, logger: ownLogger, ...workerOptions } = options;
  const logger = ownLogger === undefined ? context.logger : ownLogger;
  const processor = createInboxProcessor(router, {
    logger,
    ...(context.tracing && { tracing: context.tracing }),
  });
  const { connection, dispose } = workerConnection(own ?? context.connection);
  const worker: InboxWorker = new Worker<InboxJobData>(context.queueName, processor, {
    ...workerOptions,
    connection,
    prefix: context.prefix,
  });
  worker.on('error', (error) => {
    if (logger) logger.error(message(`Worker error: ${describeError(error)}`), error);
  });
  if (dispose) worker.on('closed', dispose);
  return worker;
}

/**
 * BullMQ workers need `maxRetriesPerRequest: null`. An ioredis client set up for the receiver
 * usually is not: give the worker a (lazily connecting) copy that is, and close it with the worker.
 */
function workerConnection(connection: ConnectionOptions): {
  connection: ConnectionOptions;
  dispose?: () => void;
} {
  if (!isRedisInstance(connection)) return { connection };
  const client = connection as unknown as IoredisLike;
  const redisOptions = client.isCluster
    ? (client.options.redisOptions as IoredisLike['options'] | undefined)
    : client.options;
  if (redisOptions?.maxRetriesPerRequest === null) return { connection };
  const copy = client.isCluster
    ? client.duplicate(undefined, {
        lazyConnect: true,
        redisOptions: { ...redisOptions, maxRetriesPerRequest: null },
      })
    : client.duplicate({ lazyConnect: true, maxRetriesPerRequest: null });
  return { connection: copy as unknown as ConnectionOptions, dispose: () => copy.disconnect() };
}
