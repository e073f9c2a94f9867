/**
 * The inbox's options, checked once at start-up: where pg-boss is (a connection string, or a
 * `PgBoss` the app has), the queue, the job options with the inbox's defaults, the enqueue
 * deadline, the logger and what is stored with each job.
 */
import { WebhookConfigError, type WebhookLogger } from '@composio-webhooks/core';
import type { InboxTracing } from '@composio-webhooks/core/adapter';
import { DEFAULT_COMPLETED_TTL_MS } from '@composio-webhooks/core/adapter';
import type PgBoss from 'pg-boss';
import { message } from './messages.js';

/** The queue name when none is given. */
export const DEFAULT_QUEUE_NAME = 'composio-webhooks';
/** pg-boss's own schema name. */
export const DEFAULT_SCHEMA = 'pgboss';
/** Deadline of one enqueue in ms; past it the receiver answers 503. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 2_000;

/** Per-delivery job options: pg-boss's retry and expiration options. */
export interface InboxJobOptions {
  /** Retries after the first attempt (default 9: 10 attempts in all). */
  retryLimit?: number;
  /** Seconds before the first retry (default 2). */
  retryDelay?: number;
  /** Exponential backoff from `retryDelay`, with jitter (default true: 2–4, 4–8, 8–16 s …). */
  retryBackoff?: boolean;
  /**
   * How long one attempt may run, in seconds (default 300). Past it the attempt fails and is
   * retried; a worker that died mid-job has its job retried once this has passed (at pg-boss's
   * next maintenance).
   */
  expireInSeconds?: number;
}

/**
 * 10 attempts, exponential backoff from 2 s (about 17 minutes in all, like the BullMQ inbox), and
 * 5 minutes per attempt.
 */
export const DEFAULT_JOB_OPTIONS: Readonly<Required<InboxJobOptions>> = Object.freeze({
  retryLimit: 9,
  retryDelay: 2,
  retryBackoff: true,
  expireInSeconds: 300,
});

/**
 * The pg-boss options of an inbox that owns its `PgBoss` (`connectionString`): completed jobs are
 * kept 24 hours (how long the queue itself recognises a copy of a delivery), dead letters 30 days,
 * before pg-boss moves them to its archive; maintenance (which also hands the jobs of a dead
 * worker back once they expire) every 30 s.
 */
export const DEFAULT_BOSS_OPTIONS = Object.freeze({
  maintenanceIntervalSeconds: 30,
  archiveCompletedAfterSeconds: DEFAULT_COMPLETED_TTL_MS / 1000,
  archiveFailedAfterSeconds: 30 * 24 * 3600,
});

export interface WebhookInboxOptions {
  /** PostgreSQL URL: the inbox creates, starts and (on `close()`) stops its own `PgBoss`. */
  connectionString?: string;
  /**
   * A `PgBoss` your app already has, instead of `connectionString`. The inbox starts it if it is
   * not started yet (harmless when it is) and never stops it.
   */
  boss?: PgBoss;
  /** pg-boss schema (default `pgboss`): the one your `boss` was created with, if another. */
  schema?: string;
  /** Queue name (default `composio-webhooks`). */
  queueName?: string;
  /** Overrides of `DEFAULT_JOB_OPTIONS` (retryLimit, retryDelay, retryBackoff, expireInSeconds). */
  jobOptions?: InboxJobOptions;
  /**
   * More `PgBoss` constructor options when the inbox owns it (`connectionString`): e.g.
   * `maintenanceIntervalSeconds`, `archiveCompletedAfterSeconds`, `max` (pool size).
   */
  bossOptions?: Omit<PgBoss.ConstructorOptions, 'connectionString' | 'schema' | 'db'>;
  /**
   * Deadline of each enqueue in ms (default 2000). Past it the receiver answers 503 so Composio
   * retries; `false` leaves the wait to the connection pool.
   */
  enqueueTimeoutMs?: number | false;
  /** Where handler failures and connection errors go. Default `console`; `false` for silence. */
  logger?: WebhookLogger | false;
  /** Carries each delivery's trace to the worker (`otelInboxTracing()` of `@composio-webhooks/otel`). */
  tracing?: InboxTracing;
  /**
   * Also store the exact raw body and the three signature headers with each job, for handlers
   * that verify the delivery again (`inboxJobOf(delivery)` gives them). Default `false`.
   */
  keepBody?: boolean;
}

export interface ResolvedInboxOptions {
  connectionString: string | undefined;
  boss: PgBoss | undefined;
  schema: string;
  queueName: string;
  jobOptions: Required<InboxJobOptions>;
  bossOptions: NonNullable<WebhookInboxOptions['bossOptions']>;
  enqueueTimeoutMs: number | false;
  logger: WebhookLogger | false;
  tracing: InboxTracing | undefined;
  keepBody: boolean;
}

export function resolveInboxOptions(options: WebhookInboxOptions): ResolvedInboxOptions {
  if (options === null || typeof options !== 'object') {
    throw configError(
      'createWebhookInbox(options) needs an options object: { connectionString: process.env.DATABASE_URL }.',
    );
  }
  const { boss, connectionString } = options;
  if (boss !== undefined && connectionString !== undefined) {
    throw configError(
      'Pass either `boss` (a PgBoss your app has) or `connectionString`, not both.',
    );
  }
  if (boss !== undefined) {
    if (boss === null || typeof boss !== 'object' || typeof boss.send !== 'function') {
      throw configError('`boss` must be a PgBoss instance (new PgBoss(connectionString)).');
    }
    if (options.bossOptions !== undefined) {
      throw configError(
        '`bossOptions` only apply to a PgBoss the inbox creates (`connectionString`); set them where you create your `boss`.',
      );
    }
  } else if (typeof connectionString !== 'string' || connectionString === '') {
    throw configError(
      'createWebhookInbox needs `connectionString` (a PostgreSQL URL, e.g. process.env.DATABASE_URL) or `boss` (a PgBoss your app already has).',
    );
  }
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (typeof schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,49}$/.test(schema)) {
    throw configError(
      `schema must be a PostgreSQL name (letters, digits, underscores; up to 50), got ${JSON.stringify(schema)}.`,
    );
  }
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  if (typeof queueName !== 'string' || !/^[\w-]+$/.test(queueName)) {
    throw configError(
      `queueName must be letters, digits, "_" or "-" (pg-boss queue names), got ${JSON.stringify(queueName)}.`,
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
  const jobOptions = resolveJobOptions(options.jobOptions);
  if (options.keepBody !== undefined && typeof options.keepBody !== 'boolean') {
    throw configError(`keepBody must be true or false, got ${JSON.stringify(options.keepBody)}.`);
  }
  const { tracing } = options;
  if (
    tracing !== undefined &&
    (tracing === null || typeof tracing.capture !== 'function' || typeof tracing.run !== 'function')
  ) {
    throw configError(
      '`tracing` must have capture() and run(delivery, carrier, process), e.g. otelInboxTracing() from @composio-webhooks/otel.',
    );
  }
  return {
    connectionString,
    boss,
    schema,
    queueName,
    jobOptions,
    bossOptions: { ...DEFAULT_BOSS_OPTIONS, ...options.bossOptions },
    enqueueTimeoutMs,
    logger: options.logger === undefined ? console : options.logger,
    tracing,
    keepBody: options.keepBody === true,
  };
}

function resolveJobOptions(given: InboxJobOptions | undefined): Required<InboxJobOptions> {
  if (given !== undefined && (given === null || typeof given !== 'object')) {
    throw configError(
      'jobOptions must be an object ({ retryLimit, retryDelay, retryBackoff, expireInSeconds }).',
    );
  }
  const known = new Set(Object.keys(DEFAULT_JOB_OPTIONS));
  for (const key of Object.keys(given ?? {})) {
    if (key === 'id' || key === 'singletonKey') {
      throw configError(
        `jobOptions.${key} cannot be set: the job id is derived from the webhook-id, so copies of a delivery collapse into one job.`,
      );
    }
    if (!known.has(key)) {
      throw configError(
        `jobOptions.${key} is not an inbox job option; use retryLimit, retryDelay, retryBackoff or expireInSeconds.`,
      );
    }
  }
  const merged = { ...DEFAULT_JOB_OPTIONS, ...given };
  const nonNegative = (name: 'retryLimit' | 'retryDelay') => {
    const value = merged[name];
    if (!Number.isInteger(value) || value < 0) {
      throw configError(`jobOptions.${name} must be an integer ≥ 0, got ${String(value)}.`);
    }
  };
  nonNegative('retryLimit');
  nonNegative('retryDelay');
  if (typeof merged.retryBackoff !== 'boolean') {
    throw configError(
      `jobOptions.retryBackoff must be true or false, got ${String(merged.retryBackoff)}.`,
    );
  }
  const expire = merged.expireInSeconds;
  if (!Number.isInteger(expire) || expire < 1 || expire >= 24 * 3600) {
    throw configError(
      `jobOptions.expireInSeconds must be a whole number of seconds from 1 to under 24 hours (pg-boss's limit), got ${String(expire)}.`,
    );
  }
  return merged;
}

export function configError(text: string): WebhookConfigError {
  return new WebhookConfigError(message(text));
}
