/** The Redis every test file shares (`REDIS_URL`, or a throwaway redis-server). */
export { provideRedis as default } from '../../../test-support/redis-global-setup.js';
