/**
 * The BullMQ inbox example in `pnpm demo`: its receiver and one worker, each its own process as
 * deployed, on `REDIS_URL` when it is set, otherwise on a `redis-server` started here on a free
 * loopback port. The receiver answers once the job is queued and the handlers run later on the
 * worker, so a delivery's handlers are read once its job has completed in the queue (a bounded
 * wait), from the worker's own output: one `[worker] <handler> <type> <webhook-id>` line each.
 * Without REDIS_URL and without redis-server the column is skipped, saying why.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as afterPendingIo, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createWebhookInbox, inboxJobId } from '@composio-webhooks/bullmq';
import {
  findRedisServer,
  type Instance,
  REDIS_SERVER_INSTALL_HINT,
  RedisServer,
  startInstance,
} from '@composio-webhooks/test-redis';
import { Redis } from 'ioredis';
import type { Target } from './cases.js';

export const BULLMQ_TARGET_NAME = 'BullMQ (receiver → worker)';
/** The example's slow handlers take 2 s; a fraction of that keeps the demo short. */
export const DEMO_HANDLER_MS = 200;
/** How long one delivery may take from its 200 to its job's completion. */
export const JOB_WAIT_MS = 15_000;

const exampleDir = fileURLToPath(new URL('../../bullmq/', import.meta.url));
const WORKER_LINE = /^\[worker\] (\S+) (\S+) (\S+)$/;

export interface BullmqTargetOptions {
  secret: string;
  /** Where REDIS_URL and PATH are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

interface DemoRedis {
  url: string;
  source: string;
  stop(): Promise<void>;
}

function skipped(reason: string, detail: string, ok: boolean): Target {
  return {
    name: BULLMQ_TARGET_NAME,
    url: '',
    skip: { reason, detail, ok },
    handlers: async () => [],
    close: async () => {},
  };
}

/** Whether the Redis at `url` answers PING within 2 s; the error message when not. */
async function ping(url: string): Promise<string | undefined> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The connection's own error (ECONNREFUSED, …) says more than the rejected connect().
  let cause: Error | undefined;
  probe.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    return (cause ?? (error instanceof Error ? error : new Error(String(error)))).message;
  } finally {
    probe.disconnect();
  }
}

/** The handlers the worker printed for `id`, in the order they ran. */
export function workerHandlers(stdout: string, id: string): string[] {
  return stdout.split('\n').flatMap((line) => {
    const match = WORKER_LINE.exec(line.trim());
    return match && match[3] === id ? [match[1] as string] : [];
  });
}

export async function startBullmqTarget(options: BullmqTargetOptions): Promise<Target> {
  const env = options.env ?? process.env;
  let redis: DemoRedis;
  if (env.REDIS_URL) {
    const url = env.REDIS_URL;
    const problem = await ping(url);
    if (problem) {
      return skipped(
        `not run: REDIS_URL=${url} does not answer`,
        `REDIS_URL is ${url}, which does not answer PING (${problem}). Start that Redis, or unset REDIS_URL to let the demo start a redis-server of its own.`,
        false,
      );
    }
    redis = { url, source: 'REDIS_URL', stop: async () => {} };
  } else if (findRedisServer(env.PATH ?? '')) {
    const server = await RedisServer.start();
    redis = {
      url: server.url,
      source: 'a redis-server started by the demo',
      stop: () => server.stop(),
    };
  } else {
    return skipped(
      'skipped: redis-server not found — apt-get install redis-server',
      `redis-server is not on PATH and REDIS_URL is not set. Install it (${REDIS_SERVER_INSTALL_HINT}) for the demo to start one of its own, or set REDIS_URL to a running Redis.`,
      true,
    );
  }

  // A queue of its own, so a shared Redis (CI's) holds nothing of the demo's afterwards.
  const queueName = `demo-${randomUUID()}`;
  const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  connection.on('error', () => {});
  const inbox = createWebhookInbox({ connection, queueName, logger: false });
  const common = { REDIS_URL: redis.url, QUEUE_NAME: queueName };
  // The example's own scripts, run as `pnpm --filter example-bullmq receiver|worker` runs them.
  const tsx = { nodeArgs: ['--import', 'tsx'], cwd: exampleDir, readyTimeoutMs: 30_000 };
  const started = await Promise.allSettled([
    startInstance(
      'src/receiver.ts',
      { ...common, PORT: '0', COMPOSIO_WEBHOOK_SECRET: options.secret, INSTANCE: 'receiver' },
      { ...tsx, ready: /\[receiver\] POST http:\/\/localhost:(\d+)\// },
    ),
    startInstance(
      'src/worker.ts',
      { ...common, HANDLER_MS: String(DEMO_HANDLER_MS), INSTANCE: 'worker' },
      { ...tsx, ready: /\[worker\] processing / },
    ),
  ]);
  const processes = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );

  const close = async () => {
    await Promise.all(processes.map((instance) => instance.stop()));
    await inbox.queue.obliterate({ force: true }).catch(() => {});
    await inbox.close();
    await connection.quit().catch(() => connection.disconnect());
    await redis.stop();
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  const [receiver, worker] = processes as [Instance, Instance];

  return {
    name: BULLMQ_TARGET_NAME,
    url: receiver.url,
    about:
      `${BULLMQ_TARGET_NAME}: the receiver (pid ${receiver.child.pid}) answered as soon as the job was queued; ` +
      `the handlers ran in the worker process (pid ${worker.child.pid}, slow ones ${DEMO_HANDLER_MS} ms), ` +
      `read once the job completed. Queue ${queueName} on ${redis.source} (${redis.url}).`,
    async handlers(id) {
      const jobId = inboxJobId(id);
      const deadline = Date.now() + JOB_WAIT_MS;
      for (;;) {
        const state = await inbox.queue.getJobState(jobId);
        // Not queued (a refused delivery): no handler runs.
        if (state === 'unknown') return [];
        if (state === 'completed') break;
        if (state === 'failed') {
          const job = await inbox.queue.getJob(jobId);
          throw new Error(`job failed on the worker: ${job?.failedReason ?? 'no reason'}`);
        }
        if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
          throw new Error(
            `the worker exited (${worker.child.exitCode ?? worker.child.signalCode})`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(
            `the worker did not complete the job within ${JOB_WAIT_MS} ms (${state})`,
          );
        }
        await sleep(20);
      }
      // The worker printed each handler's line before the job completed; reading what is already
      // in the pipe takes an I/O turn of this process (I/O callbacks run before setImmediate's).
      await afterPendingIo();
      return workerHandlers(worker.stdout(), id);
    },
    logs: () =>
      processes
        .map(
          (p) => `--- ${p.name} stdout ---\n${p.stdout()}\n--- ${p.name} stderr ---\n${p.stderr()}`,
        )
        .join('\n'),
    close,
  };
}
