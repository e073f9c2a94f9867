/**
 * The BullMQ inbox on a real redis-server with `tracing: otelInboxTracing()`: the worker's
 * processing span links to the span that received the delivery, and a handler's own span is a
 * child of the processing span.
 */
import { createServer } from 'node:http';
import { createWebhookInbox, type WebhookInbox } from '@composio-webhooks/bullmq';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express';
import { RedisServer } from '@composio-webhooks/test-redis';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookAttributes as A, otelInboxTracing, otelInstrumentation } from '../src/index.js';
import { finished, listen, parentOf, post, SECRET, SpanKind, sign } from './support.js';

let redis: RedisServer;
let connection: Redis;
let inbox: WebhookInbox;

beforeAll(async () => {
  redis = await RedisServer.start();
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  inbox = createWebhookInbox({
    connection,
    queueName: `otel-${process.pid}`,
    tracing: otelInboxTracing(),
    logger: false,
  });
}, 30_000);

afterAll(async () => {
  await inbox?.close();
  await connection?.quit();
  await redis?.stop();
});

describe('the BullMQ inbox with otelInboxTracing()', () => {
  it('links the worker span to the receiving span; handler spans nest under the worker span', async () => {
    const app = express().post(
      '/webhooks/composio',
      composioWebhook({
        secret: SECRET,
        router: inbox.router,
        logger: false,
        instrumentation: otelInstrumentation(),
      }),
    );
    const server = await listen(createServer(app));
    const event = buildTriggerMessage();
    try {
      const answer = await post(`${server.url}/webhooks/composio`, await sign(event));
      expect(answer.status).toBe(200);
    } finally {
      await server.close();
    }
    const receiving = finished().find((s) => s.attributes[A.MESSAGING_MESSAGE_ID] === event.id);
    expect(receiving?.kind).toBe(SpanKind.CONSUMER);

    const ran: string[] = [];
    const handlers = createWebhookRouter().onAny(async (_event, delivery) => {
      await trace.getTracer('app').startActiveSpan('send the email', async (span) => {
        ran.push(delivery.id);
        span.end();
      });
    });
    const worker = inbox.process(handlers, { concurrency: 1 });
    try {
      await expect.poll(() => ran, { timeout: 15_000 }).toEqual([event.id]);
      await expect
        .poll(() => finished().some((s) => s.name === 'send the email'), { timeout: 5000 })
        .toBe(true);
    } finally {
      await worker.close();
    }
    const spansNow = finished();
    const own = spansNow.find((s) => s.name === 'send the email');
    const processing = spansNow.find(
      (s) => s !== receiving && s.attributes[A.MESSAGING_MESSAGE_ID] === event.id,
    );
    expect(processing?.links.map((l) => l.context.spanId)).toEqual([
      receiving?.spanContext().spanId,
    ]);
    expect(processing?.spanContext().traceId).not.toBe(receiving?.spanContext().traceId);
    expect(own && parentOf(own)).toBe(processing?.spanContext().spanId);
  }, 30_000);
});
