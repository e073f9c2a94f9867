/**
 * Operating the inbox (what `composio-webhooks inbox …` runs): counts, the dead letters, retrying
 * them after a fix, and replaying processed deliveries.
 */
import type { Job, Queue } from 'bullmq';
import { type InboxJobData, inboxJobId } from './job.js';
import { message } from './messages.js';

export interface InboxStats {
  waiting: number;
  active: number;
  delayed: number;
  prioritized: number;
  /** Processed deliveries still kept (they dedupe copies and can be replayed). */
  completed: number;
  /** Dead letters: deliveries whose every attempt failed. */
  failed: number;
}

export interface FailedDelivery {
  /** `webhook-id`. */
  id: string;
  eventType: string;
  /** Attempts made (all of them failed). */
  attemptsMade: number;
  /** The last error's message. */
  failedReason: string;
  /** When the last attempt failed (ms since the epoch). */
  failedAt: number | undefined;
  /** When the delivery was queued (ms since the epoch). */
  queuedAt: number;
}

/** Thrown by `retry(id)` when there is nothing to retry; `reason` says why. */
export class InboxOperationError extends Error {
  readonly reason: 'not-found' | 'not-failed';
  constructor(reason: InboxOperationError['reason'], text: string) {
    super(message(text));
    this.name = 'InboxOperationError';
    this.reason = reason;
  }
}

type InboxQueue = Queue<InboxJobData>;
const PAGE = 500;

export async function inboxStats(queue: InboxQueue): Promise<InboxStats> {
  const counts = await queue.getJobCounts(
    'waiting',
    'active',
    'delayed',
    'prioritized',
    'completed',
    'failed',
  );
  return {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    prioritized: counts.prioritized ?? 0,
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
  };
}

/** The dead letters, most recently failed first. */
export async function listFailed(
  queue: InboxQueue,
  options: { limit?: number } = {},
): Promise<FailedDelivery[]> {
  const limit = options.limit ?? 100;
  const jobs = await queue.getFailed(0, limit - 1);
  return jobs.filter(isJob).map(describeFailed);
}

function describeFailed(job: Job<InboxJobData>): FailedDelivery {
  return {
    id: job.data?.id ?? String(job.id),
    eventType: job.name,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason ?? '',
    failedAt: job.finishedOn,
    queuedAt: job.timestamp,
  };
}

/** Runs one dead letter again, with a fresh set of attempts. */
export async function retryFailed(queue: InboxQueue, webhookId: string): Promise<void> {
  const job = await queue.getJob(inboxJobId(webhookId));
  if (!job) {
    throw new InboxOperationError(
      'not-found',
      `No job for delivery ${webhookId} in queue ${queue.name} (processed jobs are removed after removeOnComplete).`,
    );
  }
  const state = await job.getState();
  if (state !== 'failed') {
    throw new InboxOperationError(
      'not-failed',
      `Delivery ${webhookId} is ${state}, not failed: only dead letters are retried (use replay to run a processed delivery again).`,
    );
  }
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
}

/** Runs every dead letter again (those failed when the call starts); resolves to their number. */
export async function retryAllFailed(queue: InboxQueue): Promise<number> {
  const jobs = await collect(queue, 'failed', () => true);
  return retryEach(jobs, 'failed');
}

/**
 * Runs again the deliveries processed at or after `since` (e.g. after fixing a handler bug), as
 * long as their jobs are kept (`removeOnComplete`). Resolves to how many were queued again.
 */
export async function replayCompleted(queue: InboxQueue, since: Date | number): Promise<number> {
  const from = typeof since === 'number' ? since : since.getTime();
  if (!Number.isFinite(from)) throw new RangeError(message('replay needs a valid time.'));
  const jobs = await collect(queue, 'completed', (job) => (job.finishedOn ?? 0) >= from);
  return retryEach(jobs, 'completed');
}

/**
 * Snapshot of the jobs of a finished state, newest first, stopping at the first that `keep`
 * refuses (the sets are ordered by finish time). Taken before any is moved, so a job that fails
 * again during `retry --all` is not retried twice.
 */
async function collect(
  queue: InboxQueue,
  state: 'failed' | 'completed',
  keep: (job: Job<InboxJobData>) => boolean,
): Promise<Job<InboxJobData>[]> {
  const found: Job<InboxJobData>[] = [];
  for (let start = 0; ; start += PAGE) {
    const page = (await queue.getJobs([state], start, start + PAGE - 1, false)).filter(isJob);
    for (const job of page) {
      if (!keep(job)) return found;
      found.push(job);
    }
    if (page.length < PAGE) return found;
  }
}

async function retryEach(
  jobs: Job<InboxJobData>[],
  state: 'failed' | 'completed',
): Promise<number> {
  let moved = 0;
  for (const job of jobs) {
    try {
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
      moved++;
    } catch (error) {
      // Moved meanwhile (another operator, or removed by its retention): skip it.
      if ((await job.getState()) === state) throw error;
    }
  }
  return moved;
}

function isJob(job: Job<InboxJobData> | undefined): job is Job<InboxJobData> {
  return job !== undefined && job !== null;
}
