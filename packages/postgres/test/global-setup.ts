/**
 * The PostgreSQL every test file shares (`DATABASE_URL`, or a throwaway server); each file works
 * in a fresh database of its own. Tests that stop or pause the database start their own server.
 */
export { providePostgres as default } from '@composio-webhooks/test-postgres';
