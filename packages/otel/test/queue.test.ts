/**
 * A delivery handed to a queue: the carrier captured inside the handler (the delivery span's
 * context) links the worker's processing span to the receiving span.
 */
import { createServer } from 'node:http';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import {
  composioWebhook,
  createWebhookRouter,
  type WebhookDelivery,
} from '@composio-webhooks/express';
import { SpanStatusCode } from '@opentelemetry/api';
import express from 'express';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  WebhookAttributes as A,
  captureTraceContext,
  otelInstrumentation,
  processQueuedDelivery,
  type TraceCarrier,
} from '../src/index.js';
import { finished, listen, post, SECRET, SpanKind, sign, spans } from './support.js';

beforeEach(() => {
  spans.reset();
});

describe('queued deliveries', () => {
  it("the worker's span links to the receiving span; a failure is an ERROR span", async () => {
    const queued: Array<{ delivery: WebhookDelivery; carrier: TraceCarrier }> = [];
    const router = createWebhookRouter().onAny((_event, delivery) => {
      queued.push({ delivery, carrier: captureTraceContext() });
    });
    const app = express().post(
      '/',
      composioWebhook({
        secret: SECRET,
        router,
        logger: false,
        instrumentation: otelInstrumentation(),
      }),
    );
    const server = await listen(createServer(app));
    try {
      expect((await post(server.url, await sign(buildTriggerMessage()))).status).toBe(200);
    } finally {
      await server.close();
    }
    const [job] = queued;
    if (!job) throw new Error('nothing queued');
    const receiving = finished().find((s) => s.name === 'process composio.trigger.message');
    spans.reset();

    expect(await processQueuedDelivery(job.delivery, job.carrier, async () => 'done')).toBe('done');
    await expect(
      processQueuedDelivery(job.delivery, job.carrier, async () => {
        throw new Error('worker broke');
      }),
    ).rejects.toThrow('worker broke');
    const [ok, failed] = finished();
    expect(ok?.kind).toBe(SpanKind.CONSUMER);
    expect(ok?.links.map((l) => l.context.spanId)).toEqual([receiving?.spanContext().spanId]);
    expect(ok?.parentSpanContext).toBeUndefined();
    expect(ok?.attributes).toMatchObject({
      [A.MESSAGING_MESSAGE_ID]: job.delivery.id,
      [A.OUTCOME]: 'processed',
    });
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HANDLER_FAILED' });
    expect(failed?.attributes[A.OUTCOME]).toBe('handler-failed');
  });
});
