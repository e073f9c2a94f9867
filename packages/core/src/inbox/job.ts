/**
 * What one inbox job holds, for every engine: the verified, normalised delivery (never the
 * secret), and — with `keepBody: true` — the exact raw body and the three signature headers, so a
 * consumer can verify it again. Engines store it as JSON and give it back to `runInboxJob`.
 */
import type { ComposioEvent, WebhookDelivery } from '../events.js';
import { HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP } from '../headers.js';

/** The delivery as an inbox stores it (JSON-safe). */
export interface InboxJobData {
  /** `webhook-id`: also the job's id in the engine, so copies collapse into one job. */
  id: string;
  /** `webhook-timestamp` of the HTTP attempt that was queued (Unix seconds). */
  timestamp: number;
  /** `x-composio-delivery-attempt` of that HTTP attempt, when sent. */
  attempt?: number;
  version: WebhookDelivery['version'];
  /** The validated, V3-shaped event. */
  event: ComposioEvent;
  /** The parsed body as sent. */
  raw: unknown;
  /** The receiving request's trace context, when the inbox has `tracing` (e.g. W3C traceparent). */
  trace?: Record<string, string>;
  /** With `keepBody: true`: the exact raw body (UTF-8 text, as signed). */
  body?: string;
  /** With `keepBody: true`: `webhook-id`, `webhook-timestamp`, `webhook-signature` as received. */
  headers?: InboxSignatureHeaders;
}

/** The three headers a signature is checked with (a type, so it passes as a header record). */
export type InboxSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * How an inbox carries a trace from the request that queued a delivery to the worker that runs it
 * (`otelInboxTracing()` of `@composio-webhooks/otel`). Without it nothing extra is stored.
 */
export interface InboxTracing {
  /** At enqueue, inside the receiving request's scope: what to store with the job. */
  capture(): Record<string, string>;
  /** In the worker: runs the handlers of `delivery` in a span linked to `carrier`'s. */
  run<T>(
    delivery: WebhookDelivery,
    carrier: Record<string, string> | undefined,
    process: () => Promise<T>,
  ): Promise<T>;
}

/** The raw body and signature headers a receiver kept for a delivery (see `keepReceivedBody`). */
export interface ReceivedBody {
  body: string;
  headers: InboxSignatureHeaders;
}

const VERSIONS: ReadonlySet<string> = new Set(['V1', 'V2', 'V3']);

/** The job data of a verified delivery. */
export function toJobData(
  delivery: WebhookDelivery,
  extra: { tracing?: InboxTracing | undefined; received?: ReceivedBody | undefined } = {},
): InboxJobData {
  const data: InboxJobData = {
    id: delivery.id,
    timestamp: delivery.timestamp,
    version: delivery.version,
    event: delivery.event,
    raw: delivery.raw,
  };
  if (delivery.attempt !== undefined) data.attempt = delivery.attempt;
  if (extra.tracing) {
    const carrier = extra.tracing.capture();
    if (Object.keys(carrier).length > 0) data.trace = carrier;
  }
  if (extra.received) {
    data.body = extra.received.body;
    data.headers = { ...extra.received.headers };
  }
  return data;
}

/** The trace context stored with a job, when it is a plain record of strings. */
export function traceOf(data: unknown): Record<string, string> | undefined {
  const trace = (data as { trace?: unknown } | null)?.trace;
  if (trace === null || typeof trace !== 'object') return undefined;
  return Object.values(trace).every((value) => typeof value === 'string')
    ? (trace as Record<string, string>)
    : undefined;
}

/** The delivery a job holds, or `undefined` when the data is not an inbox delivery. */
export function deliveryFromJob(data: unknown): WebhookDelivery | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const { id, timestamp, attempt, version, event, raw } = data as Partial<InboxJobData>;
  if (typeof id !== 'string' || typeof timestamp !== 'number') return undefined;
  if (typeof version !== 'string' || !VERSIONS.has(version)) return undefined;
  if (event === null || typeof event !== 'object' || typeof event.type !== 'string') {
    return undefined;
  }
  const delivery: WebhookDelivery = { id, timestamp, version, event, raw };
  if (typeof attempt === 'number') delivery.attempt = attempt;
  return delivery;
}

/** The kept body and headers of a job, when it has them (`keepBody: true`). */
export function receivedBodyOf(data: unknown): ReceivedBody | undefined {
  const { body, headers } = (data ?? {}) as Partial<InboxJobData>;
  if (typeof body !== 'string' || headers === null || typeof headers !== 'object') return undefined;
  const id = headers[HEADER_ID];
  const timestamp = headers[HEADER_TIMESTAMP];
  const signature = headers[HEADER_SIGNATURE];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    return undefined;
  }
  return {
    body,
    headers: { [HEADER_ID]: id, [HEADER_TIMESTAMP]: timestamp, [HEADER_SIGNATURE]: signature },
  };
}
