/**
 * `composio-webhooks inbox …` against a real redis-server started here and an inbox filled by
 * @composio-webhooks/bullmq: stats, the failed list, retry of one id and --all, replay --since,
 * in-process through `main` and once through the built binary (which loads BullMQ lazily).
 */
import { createWebhookInbox, type InboxWorker, type WebhookInbox } from '@composio-webhooks/bullmq';
import { createWebhookRouter, verifyWebhook } from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { RedisServer } from '@composio-webhooks/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInboxModule, parseSince } from '../src/commands/inbox.js';
import { main } from '../src/main.js';
import { runCli } from './helpers.js';

const secret = 'cli-inbox-secret';
let server: RedisServer;
let inbox: WebhookInbox;
let worker: InboxWorker;
const broken = new Set<string>();
const runs: string[] = [];

/** Queues a delivery; `failing` ones throw in the handler until taken out of `broken`. */
async function enqueue(failing = false): Promise<string> {
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
  const delivery = await verifyWebhook({ payload: signed.body, headers: signed.headers, secret });
  if (failing) broken.add(delivery.id);
  await inbox.enqueue(delivery);
  return delivery.id;
}

async function state(id: string): Promise<string> {
  return (await (await inbox.queue.getJob(id))?.getState()) ?? 'missing';
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function cli(args: string[], env: Record<string, string> = { REDIS_URL: server.url }) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  server = await RedisServer.start();
  inbox = createWebhookInbox({
    connection: { url: server.url },
    queueName: 'cli-inbox',
    jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
    logger: false,
  });
  worker = inbox.process(
    createWebhookRouter().onAny((_event, delivery) => {
      runs.push(delivery.id);
      if (broken.has(delivery.id)) throw new Error(`bug in handler for ${delivery.id}`);
    }),
  );
}, 30_000);

afterAll(async () => {
  await worker.close();
  await inbox.close();
  await server.stop();
});

describe('composio-webhooks inbox', () => {
  it('stats, failed, retry <id>, retry --all and replay --since', async () => {
    const done = await enqueue();
    const [dead1, dead2] = [await enqueue(true), await enqueue(true)];
    await until(async () => (await state(done)) === 'completed');
    await until(async () => (await state(dead1)) === 'failed' && (await state(dead2)) === 'failed');

    const stats = await cli(['inbox', 'stats', '--queue', 'cli-inbox']);
    expect(stats).toMatchObject({ code: 0, stderr: '' });
    expect(stats.stdout).toContain('Queue bull:cli-inbox');
    expect(stats.stdout).toMatch(/completed\s+1\n/);
    expect(stats.stdout).toMatch(/failed\s+2\n/);
    const json = await cli(['inbox', 'stats', '--queue', 'cli-inbox', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      queue: 'cli-inbox',
      prefix: 'bull',
      waiting: 0,
      active: 0,
      delayed: 0,
      prioritized: 0,
      completed: 1,
      failed: 2,
    });

    const failed = await cli(['inbox', 'failed', '--queue', 'cli-inbox']);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/WEBHOOK ID\s+EVENT\s+ATTEMPTS\s+FAILED AT\s+ERROR/);
    for (const id of [dead1, dead2]) {
      expect(failed.stdout).toMatch(
        new RegExp(
          `${id}\\s+composio\\.trigger\\.message\\s+2\\s+\\S+Z\\s+.*bug in handler for ${id}`,
        ),
      );
    }
    // Worded for a worker's last attempt, not for an HTTP answer.
    expect(failed.stdout).toContain('on attempt 2 of 2 on the worker: Error: bug in handler for');
    expect(failed.stdout).not.toContain('answered with 500');
    const failedJson = JSON.parse(
      (await cli(['inbox', 'failed', '--queue', 'cli-inbox', '--json', '--limit', '1'])).stdout,
    );
    expect(failedJson.items).toHaveLength(1);

    broken.delete(dead1);
    runs.length = 0;
    expect(await cli(['inbox', 'retry', dead1, '--queue', 'cli-inbox'])).toMatchObject({
      code: 0,
      stdout: `✓ ${dead1} queued again.\n`,
    });
    await until(async () => (await state(dead1)) === 'completed');
    expect(runs).toEqual([dead1]);

    const again = await cli(['inbox', 'retry', dead1, '--queue', 'cli-inbox']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Delivery ${dead1} is completed, not failed`);

    broken.clear();
    expect((await cli(['inbox', 'retry', '--all', '--queue', 'cli-inbox'])).stdout).toBe(
      '✓ 1 dead letter queued again.\n',
    );
    await until(async () => (await state(dead2)) === 'completed');

    runs.length = 0;
    const replay = await cli([
      'inbox',
      'replay',
      '--since',
      '1h',
      '--queue',
      'cli-inbox',
      '--json',
    ]);
    expect(JSON.parse(replay.stdout)).toMatchObject({ replayed: 3 });
    await until(async () => runs.length === 3);
    expect(runs.sort()).toEqual([done, dead1, dead2].sort());
  });

  it('usage errors: no URL, two URLs, an unknown scheme, retry without an id, a bad --since', async () => {
    expect(await cli(['inbox', 'stats'], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'No inbox URL: pass --url redis://… (BullMQ) or --url postgres://… (pg-boss), or set REDIS_URL or DATABASE_URL',
      ),
    });
    expect(
      await cli(['inbox', 'stats'], { REDIS_URL: server.url, DATABASE_URL: 'postgres://db/app' }),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Both REDIS_URL and DATABASE_URL are set'),
    });
    // --url chooses, whatever the environment holds.
    expect(
      (
        await cli(['inbox', 'stats', '--url', server.url, '--queue', 'cli-inbox'], {
          DATABASE_URL: 'postgres://db/app',
        })
      ).code,
    ).toBe(0);
    expect((await cli(['inbox', 'stats', '--url', 'mysql://db/app'])).stderr).toContain(
      'The inbox URL must start with redis:// or rediss:// (BullMQ) or postgres:// or postgresql:// (pg-boss), got "mysql:…"',
    );
    expect((await cli(['inbox', 'stats', '--schema', 'x'])).stderr).toContain(
      '--schema is for a pg-boss inbox',
    );
    expect((await cli(['inbox', 'retry'])).stderr).toContain('Give one webhook-id or --all');
    expect((await cli(['inbox', 'replay', '--since', 'yesterday'])).stderr).toContain(
      '--since must be an ISO date-time',
    );
  });

  it('parses --since as an ISO time or a duration ago', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(parseSince({ since: '2h' }, 'inbox replay', now)).toBe(now - 7_200_000);
    expect(parseSince({ since: '90s' }, 'inbox replay', now)).toBe(now - 90_000);
    expect(parseSince({ since: '2026-04-30T00:00:00Z' }, 'inbox replay', now)).toBe(
      Date.parse('2026-04-30T00:00:00Z'),
    );
  });

  it('says what to install when @composio-webhooks/bullmq is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package '@composio-webhooks/bullmq'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadInboxModule(() => Promise.reject(missing))).rejects.toThrow(
      '"composio-webhooks inbox" needs @composio-webhooks/bullmq, bullmq and ioredis installed beside the CLI for this URL: npm install @composio-webhooks/bullmq bullmq ioredis',
    );
  });

  it('works from the built binary, loading BullMQ only for inbox commands', async () => {
    const result = await runCli(['inbox', 'stats', '--queue', 'cli-inbox', '--json'], {
      REDIS_URL: server.url,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ queue: 'cli-inbox', failed: 0 });
  });

  it('fails with a clear error when Redis is unreachable: which URL, what to check', async () => {
    const down = await RedisServer.start();
    const url = down.url;
    await down.stop();
    const result = await cli(['inbox', 'stats'], { REDIS_URL: url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*ECONNREFUSED/);
    expect(result.stderr).toContain(`Cannot reach the inbox's Redis at ${url}`);
    expect(result.stderr).toContain(
      'Check that Redis is running and reachable from this machine, and that --url / REDIS_URL is the URL your receivers and workers use.',
    );
  });
});
