/**
 * PostgreSQL for the test suites (a real server, never a stand-in):
 *
 * - `providePostgres` as a package's vitest `globalSetup` (`export { providePostgres as default }
 *   from '@composio-webhooks/test-postgres'`): `DATABASE_URL` when set (CI), else one server for
 *   the run, exported to the workers as `DATABASE_URL`.
 * - `createTestDatabase()` in a test file: a fresh database on that server (`{ url, drop() }`).
 * - `PostgresServer.start()` for tests that stop (`stop('fast' | 'immediate')`, `kill()`),
 *   freeze (`pause()`/`resume()`) and `restart()` it on the same port and data; `destroy()` at
 *   the end. No server outlives the process that started it, even one killed with SIGKILL.
 */
export { createTestDatabase, databaseUrl, type TestDatabase } from './databases.js';
export { providePostgres } from './postgres-global-setup.js';
export {
  anyAlive,
  findPostgresBin,
  POSTGRES_INSTALL_HINT,
  PostgresServer,
  type ShutdownMode,
  serverProcesses,
} from './postgres-server.js';
