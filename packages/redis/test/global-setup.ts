/**
 * The Redis every test file shares: `REDIS_URL` when set (CI starts one), otherwise a
 * `redis-server` started here on a free loopback port and stopped after the run. Tests that stop
 * or pause Redis start their own with `RedisServer.start()` instead.
 */
import type { TestProject } from 'vitest/node';
import { RedisServer } from './helpers/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return async () => {};
  }
  const server = await RedisServer.start();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
