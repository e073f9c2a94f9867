/**
 * Operating the inbox (what `composio-webhooks inbox …` runs): counts, the dead letters, running
 * them again after a fix, and replaying processed deliveries. Jobs live in pg-boss's `job` table
 * until its maintenance archives them (completed after 24 hours, failed after 30 days by default).
 */
import { inboxJobId } from './job-id.js';
import { message } from './messages.js';

export interface InboxStats {
  /** Queued, not started yet. */
  waiting: number;
  /** Running on a worker now. */
  active: number;
  /** Failed an attempt; waiting for the backoff before the next one. */
  delayed: number;
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

type Query = <T>(text: string, values?: unknown[]) => Promise<T[]>;

/** A job's fresh start: attempt 1 again, due now, kept as long as a new job. */
const FRESH = `state = 'created', retry_count = 0, started_on = NULL, completed_on = NULL,
  start_after = now(), output = NULL, keep_until = now() + interval '14 days'`;

export async function inboxStats(query: Query, schema: string, queue: string): Promise<InboxStats> {
  const rows = await query<{ state: string; count: string }>(
    `SELECT state, count(*)::text AS count FROM ${schema}.job WHERE name = $1 GROUP BY state`,
    [queue],
  );
  const count = (state: string) => Number(rows.find((row) => row.state === state)?.count ?? 0);
  return {
    waiting: count('created'),
    active: count('active'),
    delayed: count('retry'),
    completed: count('completed'),
    failed: count('failed'),
  };
}

interface FailedRow {
  id: string;
  data: { id?: unknown; event?: { type?: unknown } } | null;
  output: { message?: unknown } | null;
  retry_count: number;
  completed_on: Date | null;
  created_on: Date;
}

/** The dead letters, most recently failed first. */
export async function listFailed(
  query: Query,
  schema: string,
  queue: string,
  options: { limit?: number } = {},
): Promise<FailedDelivery[]> {
  const limit = options.limit ?? 100;
  const rows = await query<FailedRow>(
    `SELECT id, data, output, retry_count, completed_on, created_on FROM ${schema}.job
     WHERE name = $1 AND state = 'failed' ORDER BY completed_on DESC, id LIMIT $2`,
    [queue, limit],
  );
  return rows.map((row) => ({
    id: typeof row.data?.id === 'string' ? row.data.id : row.id,
    eventType: typeof row.data?.event?.type === 'string' ? row.data.event.type : '',
    attemptsMade: row.retry_count + 1,
    failedReason: typeof row.output?.message === 'string' ? row.output.message : '',
    failedAt: row.completed_on ? new Date(row.completed_on).getTime() : undefined,
    queuedAt: new Date(row.created_on).getTime(),
  }));
}

/** Runs one dead letter again, with a fresh set of attempts. */
export async function retryFailed(
  query: Query,
  schema: string,
  queue: string,
  webhookId: string,
): Promise<void> {
  const id = inboxJobId(webhookId);
  const moved = await query(
    `UPDATE ${schema}.job SET ${FRESH} WHERE name = $1 AND id = $2 AND state = 'failed' RETURNING id`,
    [queue, id],
  );
  if (moved.length === 1) return;
  const found = await query<{ state: string }>(
    `SELECT state FROM ${schema}.job WHERE name = $1 AND id = $2`,
    [queue, id],
  );
  const state = found[0]?.state;
  if (state === undefined) {
    throw new InboxOperationError(
      'not-found',
      `No job for delivery ${webhookId} in queue ${queue} (pg-boss archives completed jobs after 24 hours and failed ones after 30 days by default).`,
    );
  }
  throw new InboxOperationError(
    'not-failed',
    `Delivery ${webhookId} is ${state}, not failed: only dead letters are retried (use replay to run a processed delivery again).`,
  );
}

/** Runs every dead letter again (those failed when the call starts); resolves to their number. */
export async function retryAllFailed(query: Query, schema: string, queue: string): Promise<number> {
  const moved = await query(
    `UPDATE ${schema}.job SET ${FRESH} WHERE name = $1 AND state = 'failed' RETURNING id`,
    [queue],
  );
  return moved.length;
}

/**
 * Runs again the deliveries processed at or after `since` (e.g. after fixing a handler bug), as
 * long as their jobs are kept. Resolves to how many were queued again.
 */
export async function replayCompleted(
  query: Query,
  schema: string,
  queue: string,
  since: Date | number,
): Promise<number> {
  const from = typeof since === 'number' ? since : since.getTime();
  if (!Number.isFinite(from)) throw new RangeError(message('replay needs a valid time.'));
  const moved = await query(
    `UPDATE ${schema}.job SET ${FRESH}
     WHERE name = $1 AND state = 'completed' AND completed_on >= to_timestamp($2::double precision / 1000)
     RETURNING id`,
    [queue, from],
  );
  return moved.length;
}
