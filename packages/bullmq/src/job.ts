/**
 * What one queued delivery is in Redis: the verified delivery as the handlers get it (never the
 * secret, never the raw bytes), under a job id derived from the `webhook-id`, so copies of one
 * delivery collapse into one job.
 */
import { createHash } from 'node:crypto';
import type { ComposioEvent, PayloadVersion, WebhookDelivery } from '@composio-webhooks/core';

/** The data of an inbox job: the verified delivery, JSON-safe. */
export interface InboxJobData {
  /** `webhook-id`. */
  id: string;
  /** `webhook-timestamp` of the HTTP attempt that was queued (Unix seconds). */
  timestamp: number;
  /** `x-composio-delivery-attempt` of that HTTP attempt, when sent. */
  attempt?: number;
  version: PayloadVersion;
  /** The validated, V3-shaped event. */
  event: ComposioEvent;
  /** The parsed body as sent. */
  raw: unknown;
  /** The receiving request's trace context, when the inbox has `tracing` (e.g. W3C traceparent). */
  trace?: Record<string, string>;
}

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

const VERSIONS: ReadonlySet<string> = new Set(['V1', 'V2', 'V3']);

/**
 * The BullMQ job id of a `webhook-id`. Composio's ids (`msg_<uuid>`) are used as they are; an id
 * BullMQ refuses as a custom id (all digits, or containing `:`) is hashed instead.
 */
export function inboxJobId(webhookId: string): string {
  if (webhookId !== '' && !/^\d+$/.test(webhookId) && !webhookId.includes(':')) return webhookId;
  return `sha256_${createHash('sha256').update(webhookId).digest('hex')}`;
}

export function toJobData(delivery: WebhookDelivery, tracing?: InboxTracing): InboxJobData {
  const data: InboxJobData = {
    id: delivery.id,
    timestamp: delivery.timestamp,
    version: delivery.version,
    event: delivery.event,
    raw: delivery.raw,
  };
  if (delivery.attempt !== undefined) data.attempt = delivery.attempt;
  if (tracing) {
    const carrier = tracing.capture();
    if (Object.keys(carrier).length > 0) data.trace = carrier;
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
