/**
 * `composio-webhooks inbox …` on a pg-boss inbox, chosen by the postgres:// URL: a real PostgreSQL
 * server and an inbox filled by @composio-webhooks/pg-boss — stats, the failed list, retry of one
 * id and --all, replay --since; PostgreSQL down → which URL and what to check.
 */
import { createWebhookRouter, verifyWebhook } from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import {
  createWebhookInbox,
  type InboxWorker,
  inboxJobId,
  type WebhookInbox,
} from '@composio-webhooks/pg-boss';
import {
  createTestDatabase,
  PostgresServer,
  type TestDatabase,
} from '@composio-webhooks/test-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

const secret = 'cli-inbox-secret';
const queue = 'cli-inbox';
let database: TestDatabase;
let inbox: WebhookInbox;
let worker: InboxWorker;
const broken = new Set<string>();
const runs: string[] = [];

async function enqueue(failing = false): Promise<string> {
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
  const delivery = await verifyWebhook({ payload: signed.body, headers: signed.headers, secret });
  if (failing) broken.add(delivery.id);
  await inbox.enqueue(delivery);
  return delivery.id;
}

async function state(id: string): Promise<string> {
  return (await (await inbox.boss()).getJobById(queue, inboxJobId(id)))?.state ?? 'missing';
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function cli(args: string[], env: Record<string, string> = { DATABASE_URL: database.url }) {
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
  database = await createTestDatabase();
  inbox = createWebhookInbox({
    connectionString: database.url,
    queueName: queue,
    jobOptions: { retryLimit: 1, retryDelay: 0, retryBackoff: false },
    logger: false,
  });
  worker = inbox.process(
    createWebhookRouter().onAny((_event, delivery) => {
      runs.push(delivery.id);
      if (broken.has(delivery.id)) throw new Error(`bug in handler for ${delivery.id}`);
    }),
    { pollingIntervalSeconds: 0.5, concurrency: 4 },
  );
}, 60_000);

afterAll(async () => {
  await worker.close();
  await inbox.close();
  await database.drop();
});

describe('composio-webhooks inbox on pg-boss (postgres:// URL)', () => {
  it('stats, failed, retry <id>, retry --all and replay --since', async () => {
    const done = await enqueue();
    const [dead1, dead2] = [await enqueue(true), await enqueue(true)];
    await until(async () => (await state(done)) === 'completed');
    await until(async () => (await state(dead1)) === 'failed' && (await state(dead2)) === 'failed');

    const stats = await cli(['inbox', 'stats', '--queue', queue]);
    expect(stats).toMatchObject({ code: 0, stderr: '' });
    expect(stats.stdout).toContain(`Queue pgboss.${queue}`);
    expect(stats.stdout).toMatch(/completed\s+1\n/);
    expect(stats.stdout).toMatch(/failed\s+2\n/);
    const json = await cli(['inbox', 'stats', '--queue', queue, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      queue,
      schema: 'pgboss',
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: 1,
      failed: 2,
    });

    const failed = await cli(['inbox', 'failed', '--queue', queue]);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/WEBHOOK ID\s+EVENT\s+ATTEMPTS\s+FAILED AT\s+ERROR/);
    for (const id of [dead1, dead2]) {
      expect(failed.stdout).toMatch(
        new RegExp(
          `${id}\\s+composio\\.trigger\\.message\\s+2\\s+\\S+Z\\s+.*bug in handler for ${id}`,
        ),
      );
    }
    expect(failed.stdout).toContain('on attempt 2 of 2 on the worker');
    expect(failed.stdout).not.toContain('answered with 500');

    broken.delete(dead1);
    runs.length = 0;
    expect(await cli(['inbox', 'retry', dead1, '--queue', queue])).toMatchObject({
      code: 0,
      stdout: `✓ ${dead1} queued again.\n`,
    });
    await until(async () => (await state(dead1)) === 'completed');
    expect(runs).toEqual([dead1]);

    const again = await cli(['inbox', 'retry', dead1, '--queue', queue]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Delivery ${dead1} is completed, not failed`);

    broken.clear();
    expect((await cli(['inbox', 'retry', '--all', '--queue', queue])).stdout).toBe(
      '✓ 1 dead letter queued again.\n',
    );
    await until(async () => (await state(dead2)) === 'completed');

    runs.length = 0;
    const replay = await cli(['inbox', 'replay', '--since', '1h', '--queue', queue, '--json']);
    expect(JSON.parse(replay.stdout)).toMatchObject({ replayed: 3 });
    await until(async () => runs.length === 3);
    expect(runs.sort()).toEqual([done, dead1, dead2].sort());
  });

  it('refuses --prefix on a postgres:// URL', async () => {
    expect(await cli(['inbox', 'stats', '--prefix', 'bull'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--prefix is for a BullMQ inbox'),
    });
  });

  it('a database without pg-boss: says so and how to point elsewhere', async () => {
    const empty = await createTestDatabase();
    try {
      const result = await cli(['inbox', 'stats'], { DATABASE_URL: empty.url });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`No pg-boss schema "pgboss" in the database at ${empty.url}`);
    } finally {
      await empty.drop();
    }
  });

  it('PostgreSQL unreachable: which URL (password hidden), what to check', async () => {
    const down = await PostgresServer.start();
    const url = down.url().replace('postgres@', 'postgres:hunter2@');
    await down.destroy();
    const result = await cli(['inbox', 'stats'], { DATABASE_URL: url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: Cannot reach the inbox's PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres \(.*ECONNREFUSED.*\)\./,
    );
    expect(result.stderr).toContain(
      'Check that PostgreSQL is running and reachable from this machine, and that --url / DATABASE_URL is the URL your receivers and workers use.',
    );
    expect(result.stderr).not.toContain('hunter2');
  });
});
