/**
 * The database a test file works in: a fresh one (random name) on the run's server, so test files
 * never see each other's tables and can run in parallel. The server is `DATABASE_URL` when set
 * (CI starts one; the vitest global setup `providePostgres` sets it to the server it started, and
 * test workers and the processes they spawn inherit it), else one this process starts on first
 * use and destroys when it exits.
 */
import pg from 'pg';
import { PostgresServer } from './postgres-server.js';

let ownServer: Promise<PostgresServer> | undefined;

/** The URL of the run's PostgreSQL server (its maintenance database). */
export async function databaseUrl(): Promise<string> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  ownServer ??= PostgresServer.start();
  return (await ownServer).url();
}

export interface TestDatabase {
  /** Name of the database (`test_<random>`). */
  name: string;
  /** Its URL: the server's URL with the database's name as the path. */
  url: string;
  /** Drops it, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/** Creates an empty database with a random name on `serverUrl` (default `databaseUrl()`). */
export async function createTestDatabase(serverUrl?: string): Promise<TestDatabase> {
  const base = serverUrl ?? (await databaseUrl());
  const name = `test_${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
  await withClient(base, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withClient(base, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
