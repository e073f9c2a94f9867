/**
 * The inbox's `PgBoss`: its own (from `connectionString`; started on first use, stopped by
 * `close()`) or the app's (started if it is not yet; never stopped here), and the queue, created
 * once. A failed start (the database unreachable) is tried again on the next use.
 */
import type { WebhookLogger } from '@composio-webhooks/core';
import PgBoss from 'pg-boss';
import { describeError, message } from './messages.js';
import type { ResolvedInboxOptions } from './options.js';

export interface BossConnection {
  /** The started `PgBoss` with the queue created. */
  ready(): Promise<PgBoss>;
  /** Runs SQL on pg-boss's connection (its schema's tables). */
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
  /** Stops the inbox's own `PgBoss` (not one that was given). */
  close(): Promise<void>;
}

export function connectBoss(options: ResolvedInboxOptions): BossConnection {
  const { queueName, logger } = options;
  const given = options.boss;
  let starting: Promise<PgBoss> | undefined;
  let own: PgBoss | undefined;
  let closed = false;

  function create(): PgBoss {
    const boss = new PgBoss({
      ...options.bossOptions,
      connectionString: options.connectionString,
      schema: options.schema,
    });
    // Without a listener, an idle connection dropped by the server would throw.
    boss.on('error', (error) => report(logger, error));
    return boss;
  }

  async function start(): Promise<PgBoss> {
    if (closed) throw new Error(message('The inbox is closed.'));
    const boss = given ?? create();
    if (!given) own = boss;
    try {
      await boss.start();
      await createQueue(boss, queueName);
      return boss;
    } catch (error) {
      // pg-boss cannot start again after a failed start: the next use creates a fresh one.
      if (!given) {
        own = undefined;
        await boss.stop({ graceful: false, wait: true }).catch(() => {});
        await (boss.getDb() as { close?: () => Promise<void> }).close?.().catch(() => {});
      }
      throw error;
    }
  }

  function ready(): Promise<PgBoss> {
    starting ??= start().catch((error: unknown) => {
      starting = undefined;
      throw error;
    });
    return starting;
  }

  return {
    ready,
    async query<T>(text: string, values: unknown[] = []) {
      const boss = await ready();
      const result = (await boss.getDb().executeSql(text, values)) as { rows: T[] } | undefined;
      return result?.rows ?? [];
    },
    async close() {
      closed = true;
      const pending = starting;
      starting = undefined;
      await pending?.catch(() => {});
      if (own) {
        const boss = own;
        own = undefined;
        await boss.stop({ graceful: true, wait: true, timeout: 1_000 });
      }
    },
  };
}

function report(logger: WebhookLogger | false, error: unknown): void {
  if (logger) logger.error(message(`pg-boss: ${describeError(error)}`), error);
}

/** PostgreSQL's codes for a deadlock and a unique violation: what two creators of one queue meet. */
const CREATE_RACES = new Set(['40P01', '23505']);

/**
 * `boss.createQueue` once the queue exists, whoever created it. pg-boss 10 creates a queue's
 * table and constraints without a lock, so two processes starting at once on a new queue can
 * deadlock (seen: two receivers started together); the one that lost tries again and finds the
 * queue there.
 */
async function createQueue(boss: PgBoss, queueName: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(queueName);
      return;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= 5 || typeof code !== 'string' || !CREATE_RACES.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}
