/**
 * The PostgreSQL server every test file of a package shares (its vitest `globalSetup` calls
 * this): `DATABASE_URL` when set (CI starts one), otherwise a server started here on a free
 * loopback port, exported as `DATABASE_URL` to the test workers, and destroyed after the run.
 * Test files read it through `databaseUrl()` or `createTestDatabase()` (or `inject('postgresUrl')`); tests that stop or pause the database start their own with
 * `PostgresServer.start()` instead.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export async function providePostgres(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    project.provide('postgresUrl', fromEnv);
    return async () => {};
  }
  const server = await PostgresServer.start();
  project.provide('postgresUrl', server.url());
  // Test workers (and the programs they spawn) inherit it: `databaseUrl()` reads it.
  process.env.DATABASE_URL = server.url();
  return async () => {
    delete process.env.DATABASE_URL;
    await server.destroy();
  };
}
