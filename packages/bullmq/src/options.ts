/**
 * The inbox's options, checked once at start-up: queue name and key prefix (hash-tagged on Redis
 * Cluster), job options with the inbox's defaults, the enqueue deadline and the logger.
 */

import { WebhookConfigError, type WebhookLogger } from '@composio-webhooks/core';
import { DEFAULT_COMPLETED_TTL_MS } from '@composio-webhooks/core/adapter';
import { type ConnectionOptions, type DefaultJobOptions, isRedisCluster, type Queue } from 'bullmq';
import type { InboxTracing } from './job.js';
import { message } from './messages.js';

/** The queue name when none is given. */
export const DEFAULT_QUEUE_NAME = 'composio-webhooks';
/** BullMQ's own key prefix: `bull:<queueName>:…`. */
export const DEFAULT_PREFIX = 'bull';
/** Deadline of one enqueue in ms, waiting for a reconnect included; past it the receiver answers 503. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * The job options every delivery gets unless `jobOptions` overrides them: 10 attempts with
 * exponential backoff from 2 s (2, 4, 8 … 512 s: about 17 minutes in all); processed jobs kept
 * for 24 hours (at most the newest 100 000), which is how long the queue itself recognises a
 * copy of a delivery; failed jobs (the dead letters) kept until you retry or remove them.
 */
export const DEFAULT_JOB_OPTIONS: Readonly<InboxJobOptions> = Object.freeze({
  attempts: 10,
  backoff: Object.freeze({ type: 'exponential', delay: 2_000 }),
  removeOnComplete: Object.freeze({ age: DEFAULT_COMPLETED_TTL_MS / 1000, count: 100_000 }),
  removeOnFail: false,
});

/** Per-delivery job options: BullMQ's (attempts, backoff, removeOnComplete, removeOnFail, …). */
export type InboxJobOptions = DefaultJobOptions;

export interface WebhookInboxOptions {
  /**
   * Redis: an ioredis `Redis` or `Cluster` instance (the inbox never closes it) or BullMQ
   * connection options. Workers get their own connections from it. Required unless `queue` is
   * given.
   */
  connection?: ConnectionOptions;
  /**
   * A BullMQ `Queue` you already have (e.g. injected by `@nestjs/bullmq`), instead of
   * `connection`/`queueName`/`prefix`: its name, prefix and connection are used, and the inbox
   * does not close it.
   */
  queue?: Queue;
  /** BullMQ queue name (default `composio-webhooks`). */
  queueName?: string;
  /**
   * BullMQ key prefix (default `bull`). On Redis Cluster it must hold a hash tag, e.g.
   * `{composio-webhooks}`, so every key of the queue lives in one slot.
   */
  prefix?: string;
  /** Overrides of `DEFAULT_JOB_OPTIONS` (attempts, backoff, removeOnComplete, removeOnFail, …). */
  jobOptions?: InboxJobOptions;
  /**
   * Deadline of each enqueue in ms (default 2000). Past it the receiver answers 503 so Composio
   * retries; `false` leaves the wait to the connection's own options.
   */
  enqueueTimeoutMs?: number | false;
  /** Where handler failures and connection errors go. Default `console`; `false` for silence. */
  logger?: WebhookLogger | false;
  /**
   * Carries each delivery's trace from the receiving request to the worker, e.g.
   * `otelInboxTracing()` from `@composio-webhooks/otel`: the worker's span links to the receiving one.
   */
  tracing?: InboxTracing;
  /**
   * Also store the exact raw body and the three signature headers with each job, for handlers
   * that verify the delivery again (`inboxJobOf(delivery)` gives them). Default `false`: only the
   * verified event is stored.
   */
  keepBody?: boolean;
}

export interface ResolvedInboxOptions {
  connection: ConnectionOptions;
  queue: Queue | undefined;
  queueName: string;
  prefix: string;
  jobOptions: InboxJobOptions;
  enqueueTimeoutMs: number | false;
  logger: WebhookLogger | false;
  tracing: InboxTracing | undefined;
  keepBody: boolean;
}

export function resolveInboxOptions(options: WebhookInboxOptions): ResolvedInboxOptions {
  if (options === null || typeof options !== 'object') {
    throw configError(
      'createWebhookInbox(options) needs an options object: { connection: new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null }) }.',
    );
  }
  const { queue } = options;
  if (queue !== undefined) {
    if (queue === null || typeof queue !== 'object' || typeof queue.add !== 'function') {
      throw configError('`queue` must be a BullMQ Queue (new Queue(name, { connection })).');
    }
    if (
      options.connection !== undefined ||
      options.queueName !== undefined ||
      options.prefix !== undefined
    ) {
      throw configError(
        'Pass either `queue` or `connection` (with queueName/prefix), not both: a given queue brings its own name, prefix and connection.',
      );
    }
  }
  const connection = queue ? queue.opts.connection : options.connection;
  if (connection === null || typeof connection !== 'object') {
    throw configError(
      'createWebhookInbox needs `connection`: an ioredis client (new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null })) or BullMQ connection options ({ host, port }), or a BullMQ `queue`.',
    );
  }
  const queueName = queue ? queue.name : (options.queueName ?? DEFAULT_QUEUE_NAME);
  if (typeof queueName !== 'string' || queueName === '' || queueName.includes(':')) {
    throw configError(
      `queueName must be a non-empty string without ":", got ${JSON.stringify(queueName)}.`,
    );
  }
  const prefix = (queue ? queue.opts.prefix : options.prefix) ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || prefix === '') {
    throw configError(`prefix must be a non-empty string, got ${JSON.stringify(prefix)}.`);
  }
  if (isRedisCluster(connection) && !hasHashTag(prefix) && !hasHashTag(queueName)) {
    throw configError(
      `On Redis Cluster every key of a BullMQ queue must hash to one slot: give the prefix a hash tag, e.g. prefix: '{${prefix}}' (got prefix ${JSON.stringify(prefix)}).`,
    );
  }
  const enqueueTimeoutMs = options.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  if (
    enqueueTimeoutMs !== false &&
    (typeof enqueueTimeoutMs !== 'number' ||
      !Number.isFinite(enqueueTimeoutMs) ||
      enqueueTimeoutMs <= 0)
  ) {
    throw configError(
      `enqueueTimeoutMs must be a positive number of milliseconds or false, got ${String(enqueueTimeoutMs)}.`,
    );
  }
  const jobOptions = options.jobOptions ?? {};
  if (jobOptions === null || typeof jobOptions !== 'object') {
    throw configError(
      'jobOptions must be an object of BullMQ job options ({ attempts, backoff }).',
    );
  }
  if ('jobId' in jobOptions) {
    throw configError(
      'jobOptions.jobId cannot be set: the job id is the webhook-id, so copies of a delivery collapse into one job.',
    );
  }
  const merged: InboxJobOptions = { ...DEFAULT_JOB_OPTIONS, ...jobOptions };
  const { attempts } = merged;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) {
    throw configError(
      `jobOptions.attempts must be a positive integer (1 = no retries), got ${String(attempts)}.`,
    );
  }
  const logger = options.logger === undefined ? console : options.logger;
  const { tracing } = options;
  if (
    tracing !== undefined &&
    (tracing === null || typeof tracing.capture !== 'function' || typeof tracing.run !== 'function')
  ) {
    throw configError(
      '`tracing` must have capture() and run(delivery, carrier, process), e.g. otelInboxTracing() from @composio-webhooks/otel.',
    );
  }
  if (options.keepBody !== undefined && typeof options.keepBody !== 'boolean') {
    throw configError(`keepBody must be true or false, got ${JSON.stringify(options.keepBody)}.`);
  }
  return {
    keepBody: options.keepBody === true,
    connection,
    queue,
    queueName,
    prefix,
    jobOptions: merged,
    enqueueTimeoutMs,
    logger,
    tracing,
  };
}

/** True when `text` holds a Redis Cluster hash tag: `{…}` with something between the braces. */
export function hasHashTag(text: string): boolean {
  const open = text.indexOf('{');
  if (open === -1) return false;
  const close = text.indexOf('}', open + 1);
  return close > open + 1;
}

export function configError(text: string): WebhookConfigError {
  return new WebhookConfigError(message(text));
}
