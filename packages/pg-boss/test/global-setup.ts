/** The PostgreSQL server every test file shares (`DATABASE_URL`, or a throwaway server). */
export { providePostgres as default } from '@composio-webhooks/test-postgres';
