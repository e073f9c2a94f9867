/**
 * Both supported ioredis majors, clients whose 'error' events are recorded (never the
 * "Unhandled error event" path), and a watch on unhandled promise rejections.
 */
import { Redis as Redis5, type RedisOptions as RedisOptions5 } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import type { RedisClientLike } from '../../src/index.js';

export type IoredisMajor = 5 | 6;
export const IOREDIS_MAJORS: IoredisMajor[] = [5, 6];

/** The part of an ioredis client the tests use beyond the store's needs. */
export type TestRedis = RedisClientLike &
  Pick<
    Redis5,
    | 'get'
    | 'pttl'
    | 'set'
    | 'del'
    | 'lrange'
    | 'rpush'
    | 'script'
    | 'quit'
    | 'disconnect'
    | 'ping'
    | 'keys'
  > & {
    readonly status: string;
  };

export interface TrackedClient {
  client: TestRedis;
  errors: Error[];
}

const open = new Set<TestRedis>();

export function createClient(
  url: string,
  major: IoredisMajor = 5,
  options: RedisOptions5 = {},
): TrackedClient {
  const errors: Error[] = [];
  const client = (major === 5
    ? new Redis5(url, options)
    : new Redis6(url, options as never)) as unknown as TestRedis & {
    on(event: 'error', listener: (error: Error) => void): void;
  };
  client.on('error', (error: Error) => errors.push(error));
  open.add(client);
  return { client, errors };
}

/** Closes every client created with `createClient`. */
export function closeClients(): void {
  for (const client of open) client.disconnect();
  open.clear();
}

/** Records unhandled rejections from the moment it is called; `stop()` returns them. */
export function watchUnhandledRejections(): { seen: unknown[]; stop(): unknown[] } {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', listener);
      return seen;
    },
  };
}

/** One id per test file (each runs in its own worker), so its keys can be found and removed. */
const RUN = globalThis.crypto.randomUUID();

export function uniquePrefix(label: string): string {
  return `test:${RUN}:${label}:${globalThis.crypto.randomUUID()}:`;
}

/** Deletes every key this file wrote with `uniquePrefix`, leaving a shared Redis as it was. */
export async function removeTestKeys(url: string): Promise<void> {
  const client = new Redis5(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `test:${RUN}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
