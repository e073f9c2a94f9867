/** The Redis every test file shares (`REDIS_URL`, or a throwaway redis-server). */
export { provideRedis as default } from '@composio-webhooks/test-redis';
