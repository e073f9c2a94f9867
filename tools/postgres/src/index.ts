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
