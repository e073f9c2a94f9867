/**
 * The processing side of an inbox: one job run = the user's router dispatching the delivery the
 * job holds, inside the inbox's tracing, under an optional deadline. Success resolves (the engine
 * completes the job); a failure is logged with the webhook-id and the attempt and thrown, so the
 * engine retries it with backoff — or, after the last attempt, keeps it as a dead letter.
 */
import { setDeadline } from '../deadlines.js';
import { WebhookError } from '../errors.js';
import type { WebhookDelivery } from '../events.js';
import { createWebhookLog, deliveryFields, type WebhookLogger } from '../logger.js';
import type { WebhookRouter } from '../router.js';
import { describeError, type InboxEngineDescription, type InboxEngineRetries } from './engine.js';
import {
  deliveryFromJob,
  type InboxSignatureHeaders,
  type InboxTracing,
  receivedBodyOf,
  traceOf,
} from './job.js';
import { checkHandlerRouter } from './receiving.js';

/** One run of one job, as the engine gives it. */
export interface InboxRun {
  /** The engine's job id. */
  jobId: string;
  /** The job's data (an `InboxJobData` when the inbox queued it). */
  data: unknown;
  /** This run's attempt, from 1. */
  attempt: number;
  /** How many attempts the job has in all. */
  attempts: number;
  /** When the job was queued (ms since the epoch), when the engine knows. */
  receivedAt?: number;
  /** This run's deadline in ms, instead of the runner's `timeoutMs` (e.g. the job's expiration). */
  timeoutMs?: number;
}

/** What a handler can learn about the job it runs in: `inboxJobOf(delivery)`. */
export interface InboxJobInfo {
  jobId: string;
  attempt: number;
  attempts: number;
  receivedAt: number | undefined;
  /** With `keepBody: true`: the exact raw body, to verify again. */
  body?: string;
  /** With `keepBody: true`: the three signature headers as received. */
  headers?: InboxSignatureHeaders;
}

export interface InboxRunnerOptions {
  engine: Pick<InboxEngineDescription, 'message'> & InboxEngineRetries;
  /** Where handler failures go. Default `console`; `false` for silence. */
  logger?: WebhookLogger | false | undefined;
  tracing?: InboxTracing | undefined;
  /** A run whose handlers have not settled by then fails (HANDLER_TIMEOUT); `false`: none. */
  timeoutMs?: number | false | undefined;
  /** The error thrown for job data that is not an inbox delivery (e.g. an engine's "do not retry"). */
  malformed?: ((jobId: string, text: string) => Error) | undefined;
  /** The method name for set-up errors (`process`, `processor`). */
  method?: string;
}

export type InboxRunner = (run: InboxRun) => Promise<void>;

const jobs = new WeakMap<WebhookDelivery, InboxJobInfo>();

/** The inbox job a delivery given to a handler runs in (`undefined` outside an inbox worker). */
export function inboxJobOf(delivery: WebhookDelivery): InboxJobInfo | undefined {
  return jobs.get(delivery);
}

export function createInboxRunner(router: WebhookRouter, options: InboxRunnerOptions): InboxRunner {
  const { engine, tracing, malformed } = options;
  checkHandlerRouter(router, options.method ?? 'process', engine);
  const log = createWebhookLog(options.logger);
  const defaultTimeoutMs = options.timeoutMs ?? false;

  return async (run) => {
    const timeoutMs = run.timeoutMs ?? defaultTimeoutMs;
    const delivery = deliveryFromJob(run.data);
    if (!delivery) {
      const text = engine.message(
        `Job ${run.jobId} does not hold a webhook delivery; it is not retried.`,
      );
      throw malformed ? malformed(run.jobId, text) : new WebhookError('INVALID_PAYLOAD', text);
    }
    const info: InboxJobInfo = {
      jobId: run.jobId,
      attempt: run.attempt,
      attempts: run.attempts,
      receivedAt: run.receivedAt,
    };
    const received = receivedBodyOf(run.data);
    if (received) Object.assign(info, received);
    jobs.set(delivery, info);
    const dispatch = () => router.dispatch(delivery);
    const running = tracing ? tracing.run(delivery, traceOf(run.data), dispatch) : dispatch();
    try {
      await (timeoutMs === false ? running : within(running, timeoutMs, delivery, run, engine));
    } catch (error) {
      const last = run.attempt >= run.attempts;
      const next = last ? engine.deadLetter(delivery.id) : engine.retrying;
      const detail = detailOf(error);
      if (log) {
        log.error(
          engine.message(
            `Handlers failed for delivery ${delivery.id} (${delivery.event.type}) on attempt ${run.attempt} of ${run.attempts}; ${next}. ${detail}`,
          ),
          { ...deliveryFields(delivery), code: codeOf(error), err: error },
        );
      }
      throw failure(error, delivery, run, engine, next, detail);
    }
  };
}

/** The error an engine records for a failed attempt: what failed, where, and what happens next. */
function failure(
  error: unknown,
  delivery: WebhookDelivery,
  run: InboxRun,
  engine: InboxRunnerOptions['engine'],
  next: string,
  detail: string,
): WebhookError {
  if (error instanceof WebhookError && error.code === 'HANDLER_TIMEOUT') return error;
  return new WebhookError(
    'HANDLER_FAILED',
    engine.message(
      `Handlers failed for delivery ${delivery.id} (${delivery.event.type}) on attempt ${run.attempt} of ${run.attempts} on the worker: ${detail}. Next: ${next}.`,
    ),
    { cause: error },
  );
}

/** What the handlers threw, without the HTTP-side wording of `WebhookHandlerError`. */
function detailOf(error: unknown): string {
  // A `WebhookHandlerError` (the router's): each handler's own error.
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (error instanceof WebhookError && error.code === 'HANDLER_FAILED' && Array.isArray(errors)) {
    return errors.map(describeError).join('; ');
  }
  return describeError(error);
}

function codeOf(error: unknown): string {
  return error instanceof WebhookError ? error.code : 'HANDLER_FAILED';
}

function within(
  running: Promise<unknown>,
  timeoutMs: number,
  delivery: WebhookDelivery,
  run: InboxRun,
  engine: InboxRunnerOptions['engine'],
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setDeadline(() => {
      reject(
        new WebhookError(
          'HANDLER_TIMEOUT',
          engine.message(
            `Handlers for delivery ${delivery.id} (${delivery.event.type}) did not settle within ${timeoutMs} ms on attempt ${run.attempt} of ${run.attempts}; the attempt counts as failed (the handlers may still be running).`,
          ),
        ),
      );
    }, timeoutMs);
    running.then(
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
