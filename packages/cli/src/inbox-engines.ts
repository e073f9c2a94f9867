/**
 * The engines `composio-webhooks inbox …` operates, chosen by the URL: `redis://` / `rediss://`
 * → @composio-webhooks/bullmq, `postgres://` / `postgresql://` → @composio-webhooks/pg-boss. Each
 * package (with its driver) is loaded only when an inbox command runs, so the CLI pulls neither in
 * for everyone; an unreachable engine is reported with the URL and what to check.
 */
import type { WebhookInbox as BullmqInbox } from '@composio-webhooks/bullmq';
import type { WebhookInbox as PgBossInbox } from '@composio-webhooks/pg-boss';
import { UsageError } from './args.js';

type BullmqModule = typeof import('@composio-webhooks/bullmq');
type PgBossModule = typeof import('@composio-webhooks/pg-boss');

export type InboxEngineName = 'bullmq' | 'pg-boss';

interface EngineInfo {
  /** What runs the inbox, for messages. */
  storage: string;
  install: string;
  packages: string;
}

export const ENGINES: Readonly<Record<InboxEngineName, EngineInfo>> = {
  bullmq: {
    storage: 'Redis',
    install: 'npm install @composio-webhooks/bullmq bullmq ioredis',
    packages: '@composio-webhooks/bullmq, bullmq and ioredis',
  },
  'pg-boss': {
    storage: 'PostgreSQL',
    install: 'npm install @composio-webhooks/pg-boss pg-boss@10',
    packages: '@composio-webhooks/pg-boss and pg-boss',
  },
};

/** The engine a URL names, or `undefined`. */
export function engineOf(url: string): InboxEngineName | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') return 'bullmq';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'pg-boss';
  return undefined;
}

/** Loads an engine package; a missing install becomes a usage error saying what to install. */
export async function loadEngine<T>(
  engine: InboxEngineName,
  importer: () => Promise<T>,
): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const { packages, install } = ENGINES[engine];
    throw new UsageError(
      `"composio-webhooks inbox" needs ${packages} installed beside the CLI for this URL: ${install} (${detail}).`,
    );
  }
}

/** What the inbox commands do, the same on every engine. */
export interface InboxOperations {
  engine: InboxEngineName;
  /** `bull:composio-webhooks`, `pgboss.composio-webhooks`. */
  label: string;
  /** The JSON fields that name the queue. */
  names: Record<string, string>;
  stats(): Promise<Record<string, number>>;
  failed(limit: number): ReturnType<BullmqInbox['failed']>;
  retry(id: string): Promise<void>;
  retryAll(): Promise<number>;
  replay(since: number): Promise<number>;
  close(): Promise<void>;
}

export interface OpenOptions {
  url: string;
  queue: string | undefined;
  /** BullMQ key prefix. */
  prefix: string | undefined;
  /** pg-boss schema. */
  schema: string | undefined;
}

export async function openBullmq(
  options: OpenOptions,
  importer: () => Promise<BullmqModule>,
): Promise<InboxOperations> {
  const { createWebhookInbox } = await loadEngine('bullmq', importer);
  const inbox: BullmqInbox = createWebhookInbox({
    // Fail fast instead of reconnecting for minutes when Redis is unreachable.
    connection: { url: options.url, maxRetriesPerRequest: 1, retryStrategy: () => null },
    queueName: options.queue,
    prefix: options.prefix,
    logger: false,
  });
  return {
    engine: 'bullmq',
    label: `${inbox.prefix}:${inbox.queueName}`,
    names: { queue: inbox.queueName, prefix: inbox.prefix },
    stats: async () => ({ ...(await inbox.stats()) }),
    failed: (limit) => inbox.failed({ limit }),
    retry: (id) => inbox.retry(id),
    retryAll: () => inbox.retryAll(),
    replay: (since) => inbox.replay({ since }),
    close: () => inbox.close(),
  };
}

export async function openPgBoss(
  options: OpenOptions,
  importer: () => Promise<PgBossModule>,
): Promise<InboxOperations> {
  const { createWebhookInbox } = await loadEngine('pg-boss', importer);
  const inbox: PgBossInbox = createWebhookInbox({
    connectionString: options.url,
    queueName: options.queue,
    schema: options.schema,
    // An operator's tool: no maintenance, no schema migration, a small pool, a short connect wait.
    bossOptions: {
      supervise: false,
      schedule: false,
      migrate: false,
      max: 2,
      ...({ connectionTimeoutMillis: 5_000 } as object),
    },
    logger: false,
  });
  return {
    engine: 'pg-boss',
    label: `${inbox.schema}.${inbox.queueName}`,
    names: { queue: inbox.queueName, schema: inbox.schema },
    stats: async () => ({ ...(await inbox.stats()) }),
    failed: (limit) => inbox.failed({ limit }),
    retry: (id) => inbox.retry(id),
    retryAll: () => inbox.retryAll(),
    replay: (since) => inbox.replay({ since }),
    close: () => inbox.close(),
  };
}

const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|timeout|Connection terminated|Connection is closed|connect/i;

/** True for an error that means the engine could not be reached (not a refusal of the request). */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN)$/.test(code)
  ) {
    return true;
  }
  return error instanceof Error && UNREACHABLE.test(error.message);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** The message for an engine that could not be reached: which URL, and what to check. */
export function unreachableMessage(engine: InboxEngineName, url: string, error: unknown): string {
  const { storage } = ENGINES[engine];
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const where = engine === 'bullmq' ? '--url / REDIS_URL' : '--url / DATABASE_URL';
  return `Cannot reach the inbox's ${storage} at ${redactUrl(url)} (${detail}). Check that ${storage} is running and reachable from this machine, and that ${where} is the URL your receivers and workers use.`;
}

/** pg-boss not installed in that database: the URL probably names another database. */
export function schemaMissingMessage(
  url: string,
  schema: string,
  error: unknown,
): string | undefined {
  const detail = error instanceof Error ? error.message : String(error);
  if (!/not installed|does not exist/i.test(detail)) return undefined;
  return `No pg-boss schema "${schema}" in the database at ${redactUrl(url)} (${detail.split('\n')[0]}). Is it the database your inbox uses? Pass --schema if your PgBoss uses another schema.`;
}
