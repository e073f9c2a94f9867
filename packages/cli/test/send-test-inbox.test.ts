/**
 * `send-test` (the real binary) against a durable inbox: a receiver whose router is BullMQ's
 * `inbox.router` (on a real redis-server) answers 200 once the delivery is queued, before any
 * handler ran. send-test must not claim the handlers succeeded; an answer that says it was
 * queued (`{ ok: true, id, queued: true }`) is explained as queued.
 */
import { createWebhookInbox, type WebhookInbox } from '@composio-webhooks/bullmq';
import { RedisServer } from '@composio-webhooks/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { type ReceiverServer, serve, startReceiverServer } from './servers.js';

const SECRET = 'send-test-inbox-secret';
let redis: RedisServer;
let inbox: WebhookInbox;
let endpoint: ReceiverServer;

beforeAll(async () => {
  redis = await RedisServer.start();
  inbox = createWebhookInbox({
    connection: { url: redis.url },
    queueName: 'send-test-inbox',
    logger: false,
  });
  endpoint = await startReceiverServer({ secret: SECRET, router: inbox.router });
}, 30_000);
afterAll(async () => {
  await endpoint?.close();
  await inbox?.close();
  await redis?.stop();
});

describe('send-test against an inbox', () => {
  it('a real BullMQ inbox: 200, and no claim that handlers ran (the job waits for a worker)', async () => {
    const result = await runCli(['send-test', '--url', endpoint.url, '--secret', SECRET, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { webhookId: string; explanation: string };
    // No worker runs: the delivery is in the queue, its handlers have not run.
    expect(await (await inbox.queue.getJob(report.webhookId))?.getState()).toBe('waiting');
    expect(report.explanation).not.toContain('handlers succeeded');
    expect(report.explanation).toMatch(
      /^(Queued|Delivered: the endpoint verified the signature and answered 200)/,
    );
  });

  it('an answer that says "queued": explained as queued, with where the handlers run', async () => {
    const queuing = await serve((req, res) => {
      req.resume();
      const id = String(req.headers['webhook-id']);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, id, queued: true }));
    });
    try {
      const result = await runCli(['send-test', '--url', queuing.origin, '--secret', SECRET]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        'Queued: the endpoint verified the signature and put the delivery on its inbox; its handlers have not run yet.',
      );
      expect(result.stdout).toContain('"composio-webhooks inbox stats" shows the queue');
      expect(result.stdout).not.toContain('handlers succeeded');
    } finally {
      await queuing.close();
    }
  });
});
