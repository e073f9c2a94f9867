/**
 * The Redis every test file shares (`REDIS_URL`, or a throwaway redis-server). Tests that stop
 * or pause Redis start their own with `RedisServer.start()` instead.
 */
export { provideRedis as default } from '@composio-webhooks/test-redis';
