/**
 * The example end to end against a real redis-server started here: the receiver answers 200
 * while the slow handlers have not even started, and the worker runs them afterwards.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookInbox, type WebhookInbox } from '@composio-webhooks/bullmq';
import {
  buildConnectionExpired,
  buildTriggerMessage,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { RedisServer } from '@composio-webhooks/test-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, createReceiverApp, type HandledRecord } from '../src/app.js';

const secret = 'example-bullmq-secret';
let redis: RedisServer;
let connection: Redis;
let inbox: WebhookInbox;
let server: Server;
let url: string;

beforeAll(async () => {
  redis = await RedisServer.start();
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  inbox = createWebhookInbox({ connection, queueName: 'example', logger: false });
  server = await new Promise<Server>((resolve) => {
    const listening = createReceiverApp(inbox, { secret }).listen(0, '127.0.0.1', () =>
      resolve(listening),
    );
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/composio`;
});

afterAll(async () => {
  server.close();
  await inbox.close();
  connection.disconnect();
  await redis.stop();
});

describe('example-bullmq', () => {
  it('answers at once; the worker runs the slow handlers afterwards', async () => {
    const handled: HandledRecord[] = [];
    let finish: () => void = () => {};
    const allDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const deliveries = [buildTriggerMessage(), buildConnectionExpired()];
    // A trigger message runs two handlers (its slug's and every trigger's).
    const expected = ['connectionExpired', 'githubCommit', 'triggerMessage'];
    for (const payload of deliveries) {
      const signed = await signWebhook({ payload, secret });
      const response = await fetch(url, {
        method: 'POST',
        body: signed.body,
        headers: signed.headers,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true, id: payload.id, queued: true });
    }
    expect(handled).toEqual([]);

    const worker = inbox.process(
      createHandlers({
        delayMs: 50,
        onHandled: (record) => {
          handled.push(record);
          if (handled.length === expected.length) finish();
        },
      }),
      { concurrency: 2 },
    );
    await allDone;
    await worker.close();
    expect(handled.map((r) => r.handler).sort()).toEqual(expected);
    expect([...new Set(handled.map((r) => r.id))].sort()).toEqual(
      deliveries.map((d) => d.id).sort(),
    );
  });
});
