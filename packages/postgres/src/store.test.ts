/** Options validation and the call discipline (deadline, odd replies, throws), without a database. */
import { isWebhookError } from '@composio-webhooks/core';
import { describe, expect, it } from 'vitest';
import { PostgresIdempotencyError } from './errors.js';
import type { PostgresQueryable } from './query.js';
import {
  DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_SWEEP_LIMIT,
  PostgresIdempotencyStore,
} from './store.js';

class FakePool implements PostgresQueryable {
  calls: { text: string; values: unknown[] | undefined }[] = [];
  constructor(private readonly answer: (text: string) => Promise<{ rows: unknown[] }>) {}
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    this.calls.push({ text, values });
    return this.answer(text);
  }
}

const never = () => new Promise<never>(() => {});
const claimed = () => Promise.resolve({ rows: [{ claimed: 1, completed: null }] });

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isWebhookError(error) && error.code).toBe('INVALID_CONFIG');
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('PostgresIdempotencyStore options', () => {
  const pool = new FakePool(never);

  it('has the documented defaults, with the timings resolved by core', () => {
    const store = new PostgresIdempotencyStore({ pool });
    expect(store.tableName).toBe('composio_webhook_idempotency');
    expect(store.timeoutMs).toBe(DEFAULT_QUERY_TIMEOUT_MS);
    expect(DEFAULT_QUERY_TIMEOUT_MS).toBe(2_000);
    expect(store.sweepIntervalMs).toBe(DEFAULT_SWEEP_INTERVAL_MS);
    expect(DEFAULT_SWEEP_INTERVAL_MS).toBe(60_000);
    expect(store.sweepLimit).toBe(DEFAULT_SWEEP_LIMIT);
    expect(DEFAULT_SWEEP_LIMIT).toBe(1_000);
    expect(store.leaseMs).toBe(60_000);
    expect(store.completedTtlMs).toBe(24 * 60 * 60 * 1000);
    expect(new PostgresIdempotencyStore({ pool, timeoutMs: false }).timeoutMs).toBe(false);
    expect(new PostgresIdempotencyStore({ pool, sweepIntervalMs: false }).sweepIntervalMs).toBe(
      false,
    );
    expect(new PostgresIdempotencyStore({ pool, tableName: 'app.webhook_ids' }).tableName).toBe(
      'app.webhook_ids',
    );
  });

  it('fails at start-up on a missing or wrong pool, table name, deadline, sweep or timing', () => {
    expect(configError(() => new PostgresIdempotencyStore(undefined as never))).toMatch(
      /^\[@composio-webhooks\/postgres\] .*needs an options object: \{ pool: new pg\.Pool/,
    );
    expect(configError(() => new PostgresIdempotencyStore({} as never))).toMatch(
      /^\[@composio-webhooks\/postgres\] PostgresIdempotencyStore needs `pool`: a node-postgres Pool/,
    );
    expect(
      configError(() => new PostgresIdempotencyStore({ pool: { connect() {} } as never })),
    ).toMatch(/needs `pool`/);
    for (const tableName of [
      'Webhooks',
      'a-b',
      'x; DROP TABLE y',
      '"q"',
      '',
      'a.b.c',
      5,
      'x'.repeat(49),
    ]) {
      expect(
        configError(() => new PostgresIdempotencyStore({ pool, tableName: tableName as never })),
      ).toMatch(/tableName must be a lower-case identifier/);
    }
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100', true]) {
      expect(
        configError(() => new PostgresIdempotencyStore({ pool, timeoutMs: timeoutMs as never })),
      ).toMatch(/timeoutMs must be a positive number of milliseconds or false/);
    }
    expect(configError(() => new PostgresIdempotencyStore({ pool, sweepIntervalMs: 0 }))).toMatch(
      /sweepIntervalMs must be a positive number of milliseconds or false/,
    );
    for (const sweepLimit of [0, 1.5, -3, '10']) {
      expect(
        configError(() => new PostgresIdempotencyStore({ pool, sweepLimit: sweepLimit as never })),
      ).toMatch(/sweepLimit must be a positive integer/);
    }
    expect(configError(() => new PostgresIdempotencyStore({ pool, logger: {} as never }))).toMatch(
      /logger must have a warn\(message\) method/,
    );
    expect(configError(() => new PostgresIdempotencyStore({ pool, leaseMs: 0 }))).toMatch(
      /PostgresIdempotencyStore leaseMs must be a positive number/,
    );
    expect(configError(() => new PostgresIdempotencyStore({ pool, completedTtlMs: -5 }))).toMatch(
      /PostgresIdempotencyStore completedTtlMs must be a positive number/,
    );
  });
});

describe('PostgresIdempotencyStore calls', () => {
  it('rejects with a timeout error when the database never answers', async () => {
    const store = new PostgresIdempotencyStore({ pool: new FakePool(never), timeoutMs: 50 });
    const started = Date.now();
    const error = await store.claim('msg_1').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(PostgresIdempotencyError);
    expect(error).toMatchObject({ operation: 'claim', failure: 'timeout' });
    expect((error as Error).message).toMatch(
      /^\[@composio-webhooks\/postgres\] PostgreSQL did not answer claim within 50 ms/,
    );
    await expect(store.renew('x', 't')).rejects.toMatchObject({
      operation: 'renew',
      failure: 'timeout',
    });
  });

  it('ignores an answer, or a rejection, that comes after the deadline', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = new FakePool(
        () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 80)),
      );
      const store = new PostgresIdempotencyStore({
        pool: late,
        timeoutMs: 20,
        sweepIntervalMs: false,
      });
      await expect(store.claim('x')).rejects.toMatchObject({ failure: 'timeout' });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('sends the id, a fresh token and whole milliseconds as parameters, never in the SQL', async () => {
    const pool = new FakePool(claimed);
    const store = new PostgresIdempotencyStore({
      pool,
      leaseMs: 1500.2,
      completedTtlMs: 10.5,
      sweepIntervalMs: false,
    });
    const first = await store.claim("it's");
    const second = await store.claim("it's");
    expect(first.status).toBe('claimed');
    const token = first.status === 'claimed' ? first.token : '';
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.status === 'claimed' && second.token).not.toBe(token);
    expect(pool.calls[0]?.values).toEqual(["it's", token, 1501]);
    expect(pool.calls[0]?.text).not.toContain("it's");
    pool.calls.length = 0;
    await store.complete('x', token);
    await store.release('x', token);
    await store.renew('x', token);
    expect(pool.calls.map((c) => c.values)).toEqual([
      ['x', token, 11],
      ['x', token],
      ['x', token, 1501],
    ]);
  });

  it('sends named statements only when asked, and only to a client that takes them', async () => {
    const named: unknown[] = [];
    const pgLike = Object.assign(new FakePool(claimed), {
      Client: class {},
      query(config: unknown) {
        named.push(config);
        return claimed();
      },
    });
    const store = new PostgresIdempotencyStore({
      pool: pgLike as never,
      preparedStatements: true,
      sweepIntervalMs: false,
    });
    expect(store.preparedStatements).toBe(true);
    const claim = await store.claim('x');
    expect(named).toEqual([
      {
        name: expect.stringMatching(/^composio_claim_[0-9a-f]{16}$/),
        text: expect.stringContaining('INSERT INTO composio_webhook_idempotency'),
        values: ['x', claim.status === 'claimed' ? claim.token : '', 60_000],
      },
    ]);
    expect(new PostgresIdempotencyStore({ pool: new FakePool(claimed) }).preparedStatements).toBe(
      false,
    );
    expect(
      configError(
        () =>
          new PostgresIdempotencyStore({ pool: new FakePool(claimed), preparedStatements: true }),
      ),
    ).toMatch(/preparedStatements: true needs a node-postgres Pool or Client/);
    expect(
      configError(
        () =>
          new PostgresIdempotencyStore({
            pool: new FakePool(claimed),
            preparedStatements: 'yes' as never,
          }),
      ),
    ).toMatch(/preparedStatements must be true or false/);
  });

  it('reads the claim row: claimed, completed, in flight (also when the row is not visible yet)', async () => {
    for (const [row, status] of [
      [{ claimed: 1, completed: null }, 'claimed'],
      [{ claimed: 0, completed: true }, 'completed'],
      [{ claimed: 0, completed: false }, 'in-flight'],
      [{ claimed: 0, completed: null }, 'in-flight'],
    ] as const) {
      const store = new PostgresIdempotencyStore({
        pool: new FakePool(() => Promise.resolve({ rows: [row] })),
        sweepIntervalMs: false,
      });
      expect((await store.claim('x')).status).toBe(status);
    }
  });

  it('turns a synchronous throw, a rejection and an unknown reply into store errors', async () => {
    const throwing: PostgresQueryable = {
      query() {
        throw new Error('boom');
      },
    };
    await expect(new PostgresIdempotencyStore({ pool: throwing }).claim('x')).rejects.toMatchObject(
      {
        failure: 'query',
        message: expect.stringMatching(/PostgreSQL rejected claim: boom/),
      },
    );
    const odd = new FakePool(() => Promise.resolve('OK' as never));
    const store = new PostgresIdempotencyStore({ pool: odd, sweepIntervalMs: false });
    await expect(store.claim('x')).rejects.toMatchObject({
      operation: 'claim',
      failure: 'reply',
      message: expect.stringMatching(
        /query\(\) resolved claim to "OK" instead of \{ rows: \[\.\.\.\] \}/,
      ),
    });
    await expect(store.complete('x', 't')).rejects.toMatchObject({ failure: 'reply' });
    const wrongRow = new PostgresIdempotencyStore({
      pool: new FakePool(() => Promise.resolve({ rows: [{ claimed: 'yes' }] })),
      sweepIntervalMs: false,
    });
    await expect(wrongRow.claim('x')).rejects.toMatchObject({ failure: 'reply' });
    const noRow = new PostgresIdempotencyStore({
      pool: new FakePool(() => Promise.resolve({ rows: [] })),
      sweepIntervalMs: false,
    });
    await expect(noRow.claim('x')).rejects.toMatchObject({ failure: 'reply' });
    await expect(noRow.sweep()).rejects.toMatchObject({ operation: 'sweep', failure: 'reply' });
  });

  it('sweeps beside a claim once per interval, never two at a time, and survives a failed sweep', async () => {
    let sweeps = 0;
    let finishSweep: (() => void) | undefined;
    const pool = new FakePool((text) => {
      if (!text.includes('DELETE')) return claimed();
      sweeps++;
      return new Promise((resolve, reject) => {
        finishSweep = () =>
          sweeps === 1 ? resolve({ rows: [{ deleted: 3 }] }) : reject(new Error('down'));
      });
    });
    const store = new PostgresIdempotencyStore({ pool, sweepIntervalMs: 100, timeoutMs: false });
    await store.claim('a');
    await store.claim('b');
    expect(sweeps).toBe(1); // the first is still running
    finishSweep?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await store.claim('c');
    expect(sweeps).toBe(1); // within the interval
    await new Promise((resolve) => setTimeout(resolve, 120));
    await store.claim('d');
    expect(sweeps).toBe(2);
    finishSweep?.(); // fails: claims go on
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await store.claim('e')).status).toBe('claimed');
    expect(sweeps).toBe(2);
  });
});
