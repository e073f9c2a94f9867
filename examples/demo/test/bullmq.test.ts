/**
 * The demo's BullMQ column: the example's receiver and worker processes on a real Redis
 * (REDIS_URL, or a redis-server the demo starts) answer every case as documented, with the
 * handlers read from the worker once the job completed; without redis-server the column is
 * skipped saying why, and an unreachable REDIS_URL fails it.
 */
import { freePort } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBullmqTarget, workerHandlers } from '../src/bullmq.js';
import { demoCases, runCase, type Target } from '../src/cases.js';

const secret = 'demo-bullmq-test-secret';

describe('the BullMQ column on a real Redis', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startBullmqTarget({ secret });
  }, 60_000);
  afterAll(async () => {
    await target?.close();
  });

  it('answers each case with the documented status; the worker ran the right handlers', async () => {
    // The repository's tests need redis-server on PATH (or REDIS_URL): no silent skip here.
    expect(target.skip).toBeUndefined();
    const cases = demoCases(secret);
    const cells = [];
    for (const testCase of cases)
      cells.push({ name: testCase.name, ...(await runCase(target, testCase)) });
    expect(cells.filter((cell) => !cell.ok)).toEqual([]);
    const byName = new Map(cells.map((cell) => [cell.name, cell]));
    expect(byName.get('trigger message (GITHUB_COMMIT_EVENT)')).toMatchObject({
      status: 200,
      handlers: ['githubCommit', 'triggerMessage'],
    });
    expect(byName.get('duplicate (retry of a processed delivery)')).toMatchObject({
      status: 200,
      duplicate: true,
      handlers: ['connectionExpired'],
    });
    expect(byName.get('forged signature (wrong secret)')).toMatchObject({
      status: 401,
      handlers: [],
    });
    expect(target.about).toMatch(/worker process \(pid \d+/);
  }, 120_000);
});

describe('without a Redis', () => {
  it('is skipped, saying how to install redis-server, and the demo still passes', async () => {
    const target = await startBullmqTarget({ secret, env: { PATH: '/nonexistent' } });
    expect(target.skip).toEqual({
      reason: 'skipped: redis-server not found — apt-get install redis-server',
      detail: expect.stringContaining('apt-get install -y redis-server'),
      ok: true,
    });
    const [first] = demoCases(secret);
    if (!first) throw new Error('no demo case');
    const cell = await runCase(target, first);
    expect(cell).toMatchObject({ ok: true, skipped: target.skip?.reason });
    await target.close();
  });

  it('fails the column when REDIS_URL does not answer', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const target = await startBullmqTarget({ secret, env: { REDIS_URL: url } });
    expect(target.skip).toMatchObject({
      reason: `not run: REDIS_URL=${url} does not answer`,
      detail: expect.stringContaining('ECONNREFUSED'),
      ok: false,
    });
  });
});

describe('workerHandlers', () => {
  it('reads the handlers of one webhook-id from the worker output', () => {
    const stdout = [
      '[worker] processing demo-queue',
      '[worker] githubCommit composio.trigger.message msg_a',
      '[worker] connectionExpired composio.connected_account.expired msg_b',
      '[worker] triggerMessage composio.trigger.message msg_a',
      '',
    ].join('\n');
    expect(workerHandlers(stdout, 'msg_a')).toEqual(['githubCommit', 'triggerMessage']);
    expect(workerHandlers(stdout, 'msg_c')).toEqual([]);
  });
});
