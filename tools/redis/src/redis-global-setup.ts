/**
 * The Redis every test file of a package shares (its vitest `globalSetup` calls this):
 * `REDIS_URL` when set (CI starts one), otherwise a `redis-server` started here on a free
 * loopback port and stopped after the run. Tests read it with `inject('redisUrl')`.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { RedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export async function provideRedis(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    project.provide('redisUrl', fromEnv);
    return async () => {};
  }
  const server = await RedisServer.start();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
