/**
 * Redis down while a delivery arrives: the enqueue fails within `enqueueTimeoutMs`, the receiver
 * answers 503 STORE_UNAVAILABLE with retry-after (Composio retries), and the retry is queued
 * once Redis is back. Runs its own redis-server, stopped and restarted on the same port.
 */
import type { ReceiverOutcome } from '@composio-webhooks/core';
import { composioWebhook } from '@composio-webhooks/express';
import { RedisServer } from '@composio-webhooks/test-redis';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookInbox, type WebhookInbox } from '../src/index.js';
import { post, SECRET, signedDelivery } from './helpers/setup.js';

let server: RedisServer;
let redis: Redis;
let inbox: WebhookInbox;
let url: string;
let close: () => void;
const outcomes: ReceiverOutcome[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
  redis.on('error', () => {});
  inbox = createWebhookInbox({
    connection: redis,
    queueName: 'outage',
    enqueueTimeoutMs: 300,
    logger: false,
  });
  const app = express();
  app.post(
    '/webhooks/composio',
    composioWebhook({
      router: inbox.router,
      secret: SECRET,
      logger: false,
      onOutcome: (outcome) => outcomes.push(outcome),
    }),
  );
  const http = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = http.address();
  url = `http://127.0.0.1:${address && typeof address === 'object' ? address.port : 0}/webhooks/composio`;
  close = () => {
    http.closeAllConnections();
    http.close();
  };
});

afterAll(async () => {
  close();
  await inbox.close();
  redis.disconnect();
  await server.stop();
});

describe('Redis down when a delivery arrives', () => {
  it('answers 503 STORE_UNAVAILABLE within the enqueue deadline; the retry is queued once Redis is back', async () => {
    const delivery = await signedDelivery();
    await server.stop();

    const answer = await post(url, delivery);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.body).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
    const outcome = outcomes.at(-1);
    expect(outcome).toMatchObject({
      type: 'store-unavailable',
      code: 'STORE_UNAVAILABLE',
      id: delivery.id,
    });
    expect(outcome?.error?.message).toMatch(
      new RegExp(
        `^\\[@composio-webhooks/bullmq\\] Could not queue delivery ${delivery.id} on bull:outage \\(Error: Redis did not accept the job within 300 ms\\); answering 503 so Composio retries it\\. See https://\\S+#store_unavailable$`,
      ),
    );

    await server.restart();
    // Composio's retry: the receiver's claim was released, so it is queued now.
    const retried = await post(url, delivery);
    expect(retried).toMatchObject({ status: 200, body: { ok: true, id: delivery.id } });
    expect((await inbox.queue.getJob(delivery.id))?.data.id).toBe(delivery.id);
  });
});
