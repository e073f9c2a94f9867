/**
 * This file's database (a fresh one on the run's server) and node-postgres pools on it whose
 * errors are recorded, all closed after the file.
 */
import { createTestDatabase, type TestDatabase } from '@composio-webhooks/test-postgres';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface FileDatabase {
  url(): string;
  /** A pool on the database (ended after the file), its idle-client errors recorded. */
  pool(options?: pg.PoolConfig): pg.Pool;
}

export function useFileDatabase(): FileDatabase {
  let database: TestDatabase | undefined;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
    await database?.drop();
  });
  const url = (): string => {
    if (!database) throw new Error('the database is created in beforeAll');
    return database.url;
  };
  return {
    url,
    pool(options = {}) {
      const pool = new pg.Pool({ connectionString: url(), ...options });
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
  };
}
