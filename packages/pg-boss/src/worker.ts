/**
 * `inbox.process(router)`: takes jobs from the pg-boss queue (`fetch`, up to `concurrency` at a
 * time) and runs each with core's inbox runner; success completes the job, failure fails it, so
 * pg-boss retries it after the backoff or, after the last attempt, keeps it as failed (the dead
 * letter). Slots are refilled as runs finish; an empty queue is polled every `pollingIntervalSeconds`.
 */
import type { WebhookLogger, WebhookRouter } from '@composio-webhooks/core';
import { createInboxRunner, type InboxTracing } from '@composio-webhooks/core/adapter';
import type PgBoss from 'pg-boss';
import { describeError, message, PGBOSS_RETRIES } from './messages.js';
import { configError } from './options.js';

export interface ProcessOptions {
  /** Jobs run at once by this worker (default 1). */
  concurrency?: number;
  /** How often an empty queue is asked for jobs, in seconds (default 2; pg-boss's minimum 0.5). */
  pollingIntervalSeconds?: number;
  /** Where handler failures go. Default: the inbox's logger. */
  logger?: WebhookLogger | false;
}

export interface InboxWorker {
  /** Jobs running now. */
  readonly running: number;
  /** Takes no new job and resolves once the running ones have finished. */
  close(): Promise<void>;
}

interface WorkerContext {
  ready(): Promise<PgBoss>;
  queueName: string;
  logger: WebhookLogger | false;
  tracing: InboxTracing | undefined;
}

type FetchedJob = PgBoss.JobWithMetadata<unknown>;

export function startWorker(
  router: WebhookRouter,
  options: ProcessOptions,
  context: WorkerContext,
): InboxWorker {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw configError(`concurrency must be a positive integer, got ${String(concurrency)}.`);
  }
  const polling = options.pollingIntervalSeconds ?? 2;
  if (typeof polling !== 'number' || !(polling >= 0.5)) {
    throw configError(
      `pollingIntervalSeconds must be at least 0.5 (pg-boss's minimum), got ${String(polling)}.`,
    );
  }
  const logger = options.logger === undefined ? context.logger : options.logger;
  const run = createInboxRunner(router, {
    engine: { message, ...PGBOSS_RETRIES },
    logger,
    tracing: context.tracing,
  });
  const { queueName } = context;
  const running = new Set<Promise<void>>();
  let stopping = false;
  let wake: (() => void) | undefined;
  let wakeOnCompletion = false;

  /** Waits `ms`, or less when woken: by `close()`, and by a finished run when `byCompletion`. */
  const sleep = (ms: number, byCompletion: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        wakeOnCompletion = false;
        resolve();
      }
      wake = done;
      wakeOnCompletion = byCompletion;
    });

  // Runs that succeeded in the same turn of the event loop are completed in one query.
  let batch: { ids: string[]; done: Promise<void> } | undefined;
  function complete(boss: PgBoss, id: string): Promise<void> {
    if (!batch) {
      const ids: string[] = [];
      const done = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          batch = undefined;
          boss.complete(queueName, ids).then(() => resolve(), reject);
        });
      });
      batch = { ids, done };
    }
    batch.ids.push(id);
    return batch.done;
  }

  async function runJob(boss: PgBoss, job: FetchedJob): Promise<void> {
    let failure: unknown;
    try {
      await run({
        jobId: job.id,
        data: job.data,
        attempt: job.retryCount + 1,
        attempts: job.retryLimit + 1,
        receivedAt: new Date(job.createdOn).getTime(),
        timeoutMs: job.expireInSeconds * 1000,
      });
    } catch (error) {
      failure = error;
    }
    try {
      if (failure === undefined) await complete(boss, job.id);
      else await boss.fail(queueName, job.id, recorded(failure));
    } catch (error) {
      // The job stays active; once it expires, pg-boss gives it to a worker again.
      if (logger) {
        logger.error(
          message(
            `Could not record the outcome of job ${job.id} (${describeError(error)}); pg-boss runs it again after its expiration.`,
          ),
          error,
        );
      }
    }
  }

  /**
   * Fetch as many jobs as there are free slots. A full batch means there may be more: fetch again
   * as soon as a run ends (its completion wakes the loop). A short one means the queue is drained:
   * wait the polling interval, whatever finishes meanwhile.
   */
  async function loop(): Promise<void> {
    let boss: PgBoss | undefined;
    while (!stopping) {
      try {
        boss ??= await context.ready();
      } catch (error) {
        if (logger)
          logger.error(message(`Worker cannot reach pg-boss: ${describeError(error)}`), error);
        await sleep(polling * 1000, false);
        continue;
      }
      const free = concurrency - running.size;
      if (free === 0) {
        await sleep(polling * 1000, true);
        continue;
      }
      // pg-boss's fetch answers [] when the database cannot be reached; polling goes on.
      const jobs = (await boss.fetch<unknown>(queueName, {
        batchSize: free,
        includeMetadata: true,
      })) as FetchedJob[];
      for (const job of jobs) {
        const pending: Promise<void> = runJob(boss, job).finally(() => {
          running.delete(pending);
          if (wakeOnCompletion) wake?.();
        });
        running.add(pending);
      }
      if (jobs.length === free) continue;
      await sleep(polling * 1000, false);
    }
  }

  const looping = loop().catch((error: unknown) => {
    if (logger) logger.error(message(`Worker stopped: ${describeError(error)}`), error);
  });
  return {
    get running() {
      return running.size;
    },
    async close() {
      stopping = true;
      wake?.();
      await looping;
      await Promise.allSettled([...running]);
    },
  };
}

/** What pg-boss stores as a failed attempt's output: the error's name, code and message. */
function recorded(error: unknown): { name: string; message: string; code?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? { name: error.name, message: error.message, code }
    : { name: error.name, message: error.message };
}
