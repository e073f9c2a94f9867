/**
 * PostgreSQL down while a delivery arrives: the enqueue fails within `enqueueTimeoutMs`, the
 * receiver answers 503 STORE_UNAVAILABLE with retry-after (Composio retries), and the retry is
 * queued once the database is back. Runs its own PostgreSQL server, stopped and restarted on the
 * same port; also when it was down from the start.
 */
import type { ReceiverOutcome } from '@composio-webhooks/core';
import { composioWebhook } from '@composio-webhooks/express';
import { PostgresServer } from '@composio-webhooks/test-postgres';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookInbox, inboxJobId, type WebhookInbox } from '../src/index.js';
import { post, SECRET, signedDelivery } from './helpers/setup.js';

let server: PostgresServer;
let inbox: WebhookInbox;
const outcomes: ReceiverOutcome[] = [];
let url: string;
let close: () => void;

beforeAll(async () => {
  server = await PostgresServer.start();
  // Down before the inbox ever connected: pg-boss's first start fails, and is tried again later.
  await server.stop();
  inbox = createWebhookInbox({
    connectionString: server.url(),
    queueName: 'outage',
    enqueueTimeoutMs: 1_000,
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
  await server.destroy();
});

describe('PostgreSQL down when a delivery arrives', () => {
  it('answers 503 STORE_UNAVAILABLE; the retry is queued once the database is back, also after an outage mid-run', async () => {
    const first = await signedDelivery();
    const refused = await post(url, first);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
    expect(outcomes.at(-1)).toMatchObject({ type: 'store-unavailable', id: first.id });
    expect(outcomes.at(-1)?.error?.message).toMatch(
      new RegExp(
        `^\\[@composio-webhooks/pg-boss\\] Could not queue delivery ${first.id} on pgboss\\.outage \\(.*ECONNREFUSED.*\\); answering 503 so Composio retries it\\. See https://\\S+#store_unavailable$`,
      ),
    );

    await server.restart();
    expect(await post(url, first)).toMatchObject({ status: 200, body: { id: first.id } });

    await server.stop();
    const second = await signedDelivery();
    const during = await post(url, second);
    expect(during.status).toBe(503);

    await server.restart();
    expect((await post(url, second)).status).toBe(200);
    const boss = await inbox.boss();
    for (const delivery of [first, second]) {
      expect((await boss.getJobById('outage', inboxJobId(delivery.id)))?.data).toMatchObject({
        id: delivery.id,
      });
    }
  });
});
