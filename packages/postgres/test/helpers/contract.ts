/**
 * The claim protocol, as the Redis store's suite states it (test/store.test.ts there), run on
 * every database the store supports: a real PostgreSQL through node-postgres, and PGlite. Each
 * test works in a table of its own. `row()` reads what the table holds for an id.
 */
import type { IdempotencyClaim } from '@composio-webhooks/core';
import { describe, expect, it } from 'vitest';
import {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
  type PostgresQueryable,
} from '../../src/index.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function tokenOf(claim: IdempotencyClaim): string {
  if (claim.status !== 'claimed') throw new Error(`expected a claim, got ${claim.status}`);
  return claim.token;
}

export function uniqueTable(label: string): string {
  return `${label}_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

export interface StoredRow {
  token: string | null;
  /** expires_at − now() in ms. */
  expiresInMs: number;
}

export async function rowOf(
  db: PostgresQueryable,
  store: PostgresIdempotencyStore,
  id: string,
): Promise<StoredRow | undefined> {
  const { rows } = await db.query(
    `SELECT token, (extract(epoch FROM expires_at - now()) * 1000)::float8 AS ms FROM ${store.tableName} WHERE id = $1`,
    [id],
  );
  const row = rows[0] as { token: string | null; ms: number } | undefined;
  return row && { token: row.token, expiresInMs: Number(row.ms) };
}

type StoreOptions = Omit<PostgresIdempotencyStoreOptions, 'pool'>;

export interface ContractTarget {
  /** The client the stores use (and `row()` reads through). */
  db: () => PostgresQueryable;
  /** A second, independent client on the same database, when there can be one. */
  other?: () => PostgresQueryable;
  /** Options every store of the suite gets (e.g. `preparedStatements`). */
  options?: StoreOptions;
}

export function describeStoreContract(label: string, target: ContractTarget): void {
  describe(`PostgresIdempotencyStore protocol on ${label}`, () => {
    async function store(options: StoreOptions = {}): Promise<PostgresIdempotencyStore> {
      const s = new PostgresIdempotencyStore({
        pool: target.db(),
        tableName: uniqueTable('contract'),
        ...target.options,
        ...options,
      });
      await s.migrate();
      return s;
    }
    const row = (s: PostgresIdempotencyStore, id: string) => rowOf(target.db(), s, id);

    it('claims a new id with a lease, then reports it in flight', async () => {
      const s = await store({ leaseMs: 5_000 });
      const token = tokenOf(await s.claim('msg_1'));
      const stored = await row(s, 'msg_1');
      expect(stored?.token).toBe(token);
      expect(stored?.expiresInMs).toBeGreaterThan(4_000);
      expect(stored?.expiresInMs).toBeLessThanOrEqual(5_000);
      expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
    });

    it('completes with the long TTL; later claims see it completed', async () => {
      const s = await store({ leaseMs: 5_000, completedTtlMs: 3_600_000 });
      const token = tokenOf(await s.claim('msg_1'));
      await s.complete('msg_1', token);
      const stored = await row(s, 'msg_1');
      expect(stored?.token).toBeNull();
      expect(stored?.expiresInMs).toBeGreaterThan(3_500_000);
      expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
      expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
    });

    it('release frees the id for the retry', async () => {
      const s = await store();
      const first = tokenOf(await s.claim('msg_1'));
      await s.release('msg_1', first);
      expect(await row(s, 'msg_1')).toBeUndefined();
      const second = tokenOf(await s.claim('msg_1'));
      expect(second).not.toBe(first);
    });

    it('a lease expires, so a crashed claim does not block the id forever', async () => {
      const s = await store({ leaseMs: 150 });
      tokenOf(await s.claim('msg_1'));
      expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
      await sleep(250);
      tokenOf(await s.claim('msg_1'));
    });

    it('a slow instance can neither complete nor release the claim another one holds now', async () => {
      const s = await store({ leaseMs: 150 });
      const slow = tokenOf(await s.claim('msg_1'));
      await sleep(250); // the slow instance's lease lapses
      const fresh = tokenOf(await s.claim('msg_1'));
      await s.complete('msg_1', slow);
      expect((await row(s, 'msg_1'))?.token).toBe(fresh);
      await s.release('msg_1', slow);
      expect((await row(s, 'msg_1'))?.token).toBe(fresh);
      expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
      await s.complete('msg_1', fresh);
      expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
      // Nor can anyone release a completed id.
      await s.release('msg_1', fresh);
      expect((await row(s, 'msg_1'))?.token).toBeNull();
      expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
    });

    it('records a success whose lease lapsed unclaimed, so nobody runs it again', async () => {
      const s = await store({ leaseMs: 100 });
      const token = tokenOf(await s.claim('msg_1'));
      await sleep(180);
      await s.complete('msg_1', token);
      expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
      // Also when a sweep deleted the lapsed lease meanwhile.
      const swept = tokenOf(await s.claim('msg_2'));
      await sleep(180);
      expect(await s.sweep()).toBeGreaterThanOrEqual(1);
      expect(await row(s, 'msg_2')).toBeUndefined();
      await s.complete('msg_2', swept);
      expect(await s.claim('msg_2')).toEqual({ status: 'completed' });
    });

    it('renews a lease it holds, so a claim outlives leaseMs while its handler runs', async () => {
      const s = await store({ leaseMs: 300 });
      const token = tokenOf(await s.claim('msg_1'));
      for (let i = 0; i < 6; i++) {
        await sleep(100); // leaseMs / 3
        expect(await s.renew('msg_1', token)).toBe(true);
        const stored = await row(s, 'msg_1');
        expect(stored?.expiresInMs).toBeGreaterThan(200);
        expect(stored?.expiresInMs).toBeLessThanOrEqual(300);
      }
      // 600 ms after the claim, twice its lease: still held.
      expect(await s.claim('msg_1')).toEqual({ status: 'in-flight' });
      expect((await row(s, 'msg_1'))?.token).toBe(token);
      await s.complete('msg_1', token);
      expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
    });

    it('refuses to renew a claim that is no longer the caller’s', async () => {
      const s = await store({ leaseMs: 150, completedTtlMs: 60_000 });
      expect(await s.renew('msg_unknown', 'token')).toBe(false);
      const slow = tokenOf(await s.claim('msg_1'));
      expect(await s.renew('msg_1', 'another-token')).toBe(false);
      await sleep(250); // lapsed: never revived
      expect(await s.renew('msg_1', slow)).toBe(false);
      const fresh = tokenOf(await s.claim('msg_1'));
      expect(await s.renew('msg_1', slow)).toBe(false);
      expect((await row(s, 'msg_1'))?.token).toBe(fresh);
      await s.complete('msg_1', fresh);
      expect(await s.renew('msg_1', fresh)).toBe(false);
      expect((await row(s, 'msg_1'))?.expiresInMs).toBeGreaterThan(50_000); // the TTL, untouched
      const released = tokenOf(await s.claim('msg_2'));
      await s.release('msg_2', released);
      expect(await s.renew('msg_2', released)).toBe(false);
      expect(await row(s, 'msg_2')).toBeUndefined();
    });

    it('forgets a completed id after completedTtlMs', async () => {
      const s = await store({ completedTtlMs: 150 });
      await s.complete('msg_1', tokenOf(await s.claim('msg_1')));
      expect(await s.claim('msg_1')).toEqual({ status: 'completed' });
      await sleep(250);
      tokenOf(await s.claim('msg_1'));
    });

    it('keeps ids apart, and each table is a namespace of its own', async () => {
      const s = await store();
      await s.complete('msg_a', tokenOf(await s.claim('msg_a')));
      tokenOf(await s.claim('msg_b'));
      const { rows } = await target.db().query(`SELECT id FROM ${s.tableName} ORDER BY id`);
      expect(rows).toEqual([{ id: 'msg_a' }, { id: 'msg_b' }]);
      tokenOf(await (await store()).claim('msg_a'));
    });

    it('gives one claim to 100 concurrent callers', async () => {
      const tableName = uniqueTable('race');
      const first = new PostgresIdempotencyStore({
        ...target.options,
        pool: target.db(),
        tableName,
      });
      await first.migrate();
      const stores = [
        first,
        new PostgresIdempotencyStore({
          ...target.options,
          pool: (target.other ?? target.db)(),
          tableName,
        }),
      ];
      const claims = await Promise.all(
        Array.from({ length: 100 }, (_, i) => stores[i % 2]?.claim('msg_race')),
      );
      const statuses = claims.map((c) => c?.status);
      expect(statuses.filter((s) => s === 'claimed')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'in-flight')).toHaveLength(99);
    });

    it('takes any id: quotes, unicode, and ids too long for an index entry (stored hashed)', async () => {
      const s = await store();
      const random = (length: number) =>
        Array.from({ length }, () => String.fromCharCode(33 + Math.floor(Math.random() * 94))).join(
          '',
        );
      const long = random(12_000);
      const ids = [
        "it's; DROP TABLE x; --",
        'ünïcødé 🎉',
        random(256),
        long,
        `${long.slice(0, -1)}!`,
      ];
      for (const id of ids) {
        const token = tokenOf(await s.claim(id));
        expect(await s.claim(id)).toEqual({ status: 'in-flight' });
        expect(await s.renew(id, token)).toBe(true);
        await s.complete(id, token);
        expect(await s.claim(id)).toEqual({ status: 'completed' });
      }
      const { rows } = await target.db().query(`SELECT id FROM ${s.tableName}`);
      const stored = (rows as { id: string }[]).map((row) => row.id);
      expect(stored).toHaveLength(ids.length);
      expect(stored).toContain(ids[2]); // 256 characters: as it is
      expect(stored.filter((id) => /^sha256:[0-9a-f]{64}$/.test(id))).toHaveLength(2);
      const released = tokenOf(await s.claim(`${long}?`));
      await s.release(`${long}?`, released);
      tokenOf(await s.claim(`${long}?`));
    });
  });
}
