/**
 * The store on a real PostgreSQL server through node-postgres: the claim protocol, migrate() and
 * the SQL file, the sweep of expired rows, and what a caller sees when something is wrong.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DEFAULT_TABLE_NAME,
  migrationStatements,
  PostgresIdempotencyError,
  PostgresIdempotencyStore,
  type PostgresQueryable,
} from '../src/index.js';
import { describeStoreContract, rowOf, sleep, tokenOf, uniqueTable } from './helpers/contract.js';
import { useFileDatabase } from './helpers/database.js';

const database = useFileDatabase();
let shared: pg.Pool | undefined;
let other: pg.Pool | undefined;
const pool = () => {
  shared ??= database.pool();
  return shared;
};

it('types node-postgres pools and clients as store clients', () => {
  expectTypeOf<pg.Pool>().toExtend<PostgresQueryable>();
  expectTypeOf<pg.Client>().toExtend<PostgresQueryable>();
  expectTypeOf<pg.PoolClient>().toExtend<PostgresQueryable>();
  expectTypeOf<{ query(text: string): Promise<string> }>().not.toExtend<PostgresQueryable>();
});

const otherPool = () => {
  other ??= database.pool();
  return other;
};
describeStoreContract('PostgreSQL 15 (node-postgres Pool)', { db: pool, other: otherPool });
describeStoreContract('PostgreSQL 15 (node-postgres Pool, preparedStatements)', {
  db: pool,
  other: otherPool,
  options: { preparedStatements: true },
});

it('prepares each statement once per connection, named after its text (tables apart)', async () => {
  const client = new pg.Client({ connectionString: database.url() });
  await client.connect();
  try {
    const stores = [uniqueTable('named'), uniqueTable('named')].map(
      (tableName) =>
        new PostgresIdempotencyStore({ pool: client, tableName, preparedStatements: true }),
    );
    for (const store of stores) {
      await store.migrate();
      await store.complete('msg_1', tokenOf(await store.claim('msg_1')));
      expect(await store.claim('msg_1')).toEqual({ status: 'completed' });
    }
    const { rows } = await client.query('SELECT name FROM pg_prepared_statements ORDER BY name');
    const names = (rows as { name: string }[]).map((row) => row.name);
    expect(names).toHaveLength(6); // claim, complete and the first claim's sweep, per table
    for (const name of names)
      expect(name).toMatch(/^composio_(claim|complete|sweep)_[0-9a-f]{16}$/);
  } finally {
    await client.end();
  }
});

describe('migrate()', () => {
  it('runs the SQL shipped in sql/001_idempotency.sql, statement for statement', () => {
    const file = readFileSync(new URL('../sql/001_idempotency.sql', import.meta.url), 'utf8');
    const statements = file
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n')
      .split(';')
      .map((statement) => statement.trim())
      .filter(Boolean);
    expect(statements).toEqual(migrationStatements(DEFAULT_TABLE_NAME));
    expect(statements).toHaveLength(2);
  });

  it('is idempotent, and safe from several instances at once', async () => {
    const tableName = uniqueTable('migrate');
    const pools = [database.pool(), database.pool(), database.pool()];
    await Promise.all(
      pools
        .flatMap((p) => [0, 1].map(() => new PostgresIdempotencyStore({ pool: p, tableName })))
        .map((s) => s.migrate()),
    );
    const store = new PostgresIdempotencyStore({ pool: pool(), tableName });
    await store.migrate();
    const { rows } = await pool().query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
      [tableName],
    );
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'token', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'expires_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
    ]);
    const indexes = await pool().query(
      'SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1',
      [tableName],
    );
    expect(indexes.rows).toEqual([
      { indexname: `${tableName}_expires_at_idx` },
      { indexname: `${tableName}_pkey` },
    ]);
  });

  it('creates the table in the schema named by tableName', async () => {
    await pool().query('CREATE SCHEMA IF NOT EXISTS webhooks');
    const store = new PostgresIdempotencyStore({ pool: pool(), tableName: 'webhooks.idempotency' });
    await store.migrate();
    await store.complete('msg_1', tokenOf(await store.claim('msg_1')));
    const { rows } = await pool().query('SELECT id, token FROM webhooks.idempotency');
    expect(rows).toEqual([{ id: 'msg_1', token: null }]);
  });

  it('names the fix when the table is missing', async () => {
    const store = new PostgresIdempotencyStore({ pool: pool(), tableName: uniqueTable('missing') });
    const error = await store.claim('msg_1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostgresIdempotencyError);
    expect(error).toMatchObject({ operation: 'claim', failure: 'missing-table' });
    expect((error as Error).message).toMatch(
      /^\[@composio-webhooks\/postgres\] The table missing_\w+ does not exist\. Create it once: await store\.migrate\(\) at start-up, or run sql\/001_idempotency\.sql/,
    );
    expect((error as Error).cause).toMatchObject({ code: '42P01' });
  });
});

describe('sweeping expired rows', () => {
  async function fill(store: PostgresIdempotencyStore, count: number, prefix: string) {
    for (let i = 0; i < count; i++) {
      await store.complete(`${prefix}${i}`, tokenOf(await store.claim(`${prefix}${i}`)));
    }
  }
  const count = async (store: PostgresIdempotencyStore) =>
    Number((await pool().query(`SELECT count(*) AS n FROM ${store.tableName}`)).rows[0].n);

  it('deletes at most sweepLimit expired rows per sweep, oldest first, and never a live one', async () => {
    const tableName = uniqueTable('sweep');
    const short = new PostgresIdempotencyStore({
      pool: pool(),
      tableName,
      completedTtlMs: 50,
      sweepIntervalMs: false,
      sweepLimit: 4,
    });
    await short.migrate();
    await fill(short, 10, 'old_');
    const long = new PostgresIdempotencyStore({
      pool: pool(),
      tableName,
      leaseMs: 60_000,
      sweepIntervalMs: false,
      sweepLimit: 4,
    });
    await fill(long, 3, 'kept_');
    const held = tokenOf(await long.claim('in_flight'));
    await sleep(120);
    expect(await count(long)).toBe(14);
    expect(await long.sweep()).toBe(4);
    const left = await pool().query(
      `SELECT id FROM ${tableName} WHERE id LIKE 'old_%' ORDER BY expires_at`,
    );
    expect(left.rows.map((r) => r.id)).toEqual([
      'old_4',
      'old_5',
      'old_6',
      'old_7',
      'old_8',
      'old_9',
    ]);
    expect(await long.sweep()).toBe(4);
    expect(await long.sweep()).toBe(2);
    expect(await long.sweep()).toBe(0);
    expect(await count(long)).toBe(4);
    expect((await rowOf(pool(), long, 'in_flight'))?.token).toBe(held);
    expect(await long.claim('kept_0')).toEqual({ status: 'completed' });
  });

  it('sweeps on claims by itself, without anyone scheduling it', async () => {
    const tableName = uniqueTable('autosweep');
    const store = new PostgresIdempotencyStore({
      pool: pool(),
      tableName,
      completedTtlMs: 50,
      sweepIntervalMs: 200,
      sweepLimit: 1000,
    });
    await store.migrate();
    await fill(store, 20, 'a_');
    await sleep(250);
    // The next claim starts a sweep beside it.
    tokenOf(await store.claim('trigger_1'));
    await expect.poll(() => count(store), { timeout: 5_000 }).toBe(1);
  });

  it('sweeps again on the next claim while sweeps fill their limit, then waits the interval', async () => {
    const tableName = uniqueTable('backlog');
    const filler = new PostgresIdempotencyStore({
      pool: pool(),
      tableName,
      completedTtlMs: 50,
      sweepIntervalMs: false,
    });
    await filler.migrate();
    await fill(filler, 12, 'b_');
    await sleep(120);
    const expired = async () =>
      Number(
        (await pool().query(`SELECT count(*)::int AS n FROM ${tableName} WHERE id LIKE 'b_%'`))
          .rows[0].n,
      );
    expect(await expired()).toBe(12);
    const store = new PostgresIdempotencyStore({
      pool: pool(),
      tableName,
      sweepIntervalMs: 60_000,
      sweepLimit: 5,
    });
    // 5, 5 (each a full batch: sweep on the next claim too), then 2: the backlog is gone.
    for (const left of [7, 2, 0]) {
      tokenOf(await store.claim(`c_${left}`));
      await expect.poll(expired, { timeout: 5_000 }).toBe(left);
    }
    // The last sweep was not full: the next one is a minute away, whatever expires meanwhile.
    await fill(filler, 3, 'd_');
    await sleep(120);
    for (let i = 0; i < 3; i++) tokenOf(await store.claim(`e_${i}`));
    await sleep(200);
    const { rows } = await pool().query(
      `SELECT count(*)::int AS n FROM ${tableName} WHERE id LIKE 'd_%'`,
    );
    expect(rows[0].n).toBe(3);
  });
});

describe('failures reach the receiver as PostgresIdempotencyErrors', () => {
  it('rejects at once, without hanging, once the pool was ended (the store never ends it)', async () => {
    const p = database.pool();
    const store = new PostgresIdempotencyStore({
      pool: p,
      tableName: uniqueTable('ended'),
      timeoutMs: 10_000,
    });
    await store.migrate();
    tokenOf(await store.claim('msg_1'));
    expect(p.ended).toBe(false);
    await p.end();
    const started = Date.now();
    const error = await store.claim('msg_2').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toMatchObject({ operation: 'claim', failure: 'query' });
    expect((error as Error).message).toMatch(
      /PostgreSQL rejected claim: Cannot use a pool after calling end/,
    );
  });

  it('answers 503 at once when nothing listens on the port', async () => {
    const refused = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' });
    refused.on('error', () => {});
    const store = new PostgresIdempotencyStore({ pool: refused });
    const error = await store.claim('msg_1').catch((e: unknown) => e);
    expect(error).toMatchObject({ operation: 'claim', failure: 'query' });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    await refused.end();
  });
});

describe('idle connection errors', () => {
  it("adds a warning 'error' listener to a pool that has none, and none to a pool that has one", async () => {
    const warnings: string[] = [];
    const bare = new pg.Pool({ connectionString: database.url() });
    new PostgresIdempotencyStore({ pool: bare, logger: { warn: (text) => warnings.push(text) } });
    expect(bare.listenerCount('error')).toBe(1);
    bare.emit('error', new Error('terminating connection due to administrator command'));
    bare.emit('error', new Error('again'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[@composio-webhooks\/postgres\] An idle connection of the pool failed \(terminating connection due to administrator command\); .*add your own \(pool\.on\('error', …\)\)/,
      ),
    ]);
    await bare.end();
    const owned = database.pool();
    new PostgresIdempotencyStore({ pool: owned });
    expect(owned.listenerCount('error')).toBe(1);
  });

  it('survives the server ending an idle pooled connection', async () => {
    const p = new pg.Pool({ connectionString: database.url() });
    const store = new PostgresIdempotencyStore({
      pool: p,
      tableName: uniqueTable('idle'),
      logger: false,
    });
    await store.migrate();
    const { rows } = await p.query('SELECT pg_backend_pid() AS pid');
    // The connection is idle in the pool now; end it from another session.
    await pool().query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await sleep(100);
    tokenOf(await store.claim('msg_1'));
    await p.end();
  });
});
