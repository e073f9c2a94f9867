/**
 * `inbox stats`, `inbox failed`, `inbox retry`, `inbox replay`: operating the durable inbox of
 * @composio-webhooks/bullmq against REDIS_URL. That package (with bullmq and ioredis) is loaded
 * only when one of these commands runs, so the CLI does not pull BullMQ in for everyone.
 */
import type { WebhookInbox } from '@composio-webhooks/bullmq';
import {
  expectPositionals,
  flag,
  integerValue,
  type OptionSpecs,
  type ParsedValues,
  stringValue,
  UsageError,
} from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { table } from '../format.js';

type BullmqModule = typeof import('@composio-webhooks/bullmq');

const INSTALL = 'npm install @composio-webhooks/bullmq bullmq ioredis';

/** Loads @composio-webhooks/bullmq; a missing install becomes a usage error saying what to install. */
export async function loadInboxModule(
  importer: () => Promise<BullmqModule> = () => import('@composio-webhooks/bullmq'),
): Promise<BullmqModule> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(
      `"composio-webhooks inbox" needs @composio-webhooks/bullmq, bullmq and ioredis installed beside the CLI: ${INSTALL} (${detail}).`,
    );
  }
}

const CONNECTION_HELP = `  --redis-url <url>   Redis of the inbox (default: $REDIS_URL)
  --queue <name>      queue name (default: composio-webhooks)
  --prefix <prefix>   BullMQ key prefix (default: bull; on Redis Cluster the hash-tagged one you use)`;

const CONNECTION_OPTIONS: OptionSpecs = {
  'redis-url': { type: 'string' },
  queue: { type: 'string' },
  prefix: { type: 'string' },
};

/** Opens the inbox named by the options, runs `task`, and always closes it. */
async function withInbox<T>(ctx: CommandContext, task: (inbox: WebhookInbox) => Promise<T>) {
  const url = stringValue(ctx.values, 'redis-url') ?? (ctx.io.env.REDIS_URL || undefined);
  if (url === undefined) {
    throw new UsageError(
      'No Redis: pass --redis-url redis://… or set REDIS_URL (the Redis your inbox uses).',
      ctx.command,
    );
  }
  const { createWebhookInbox } = await loadInboxModule();
  const inbox = createWebhookInbox({
    // Fail fast instead of reconnecting for minutes when Redis is unreachable.
    connection: { url, maxRetriesPerRequest: 1, retryStrategy: () => null },
    queueName: stringValue(ctx.values, 'queue'),
    prefix: stringValue(ctx.values, 'prefix'),
    logger: false,
  });
  try {
    return await task(inbox);
  } finally {
    await inbox.close().catch(() => {});
  }
}

function queueLabel(inbox: WebhookInbox): string {
  return `${inbox.prefix}:${inbox.queueName}`;
}

export const inboxStatsCommand: Command = {
  name: 'inbox stats',
  summary: 'Count the inbox jobs: waiting, active, delayed, completed, failed (dead letters).',
  help: `Usage: composio-webhooks inbox stats [--redis-url <url>] [--queue <name>] [--prefix <p>] [--json]

Options:
${CONNECTION_HELP}`,
  options: CONNECTION_OPTIONS,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    await withInbox(ctx, async (inbox) => {
      const stats = await inbox.stats();
      if (ctx.out.json) {
        ctx.out.data({ queue: inbox.queueName, prefix: inbox.prefix, ...stats });
        return;
      }
      ctx.out.line(ctx.out.style.bold(`Queue ${queueLabel(inbox)}`));
      for (const [state, count] of Object.entries(stats)) {
        const text = `  ${state.padEnd(12)} ${count}`;
        ctx.out.line(state === 'failed' && count > 0 ? ctx.out.style.red(text) : text);
      }
    });
    return 0;
  },
};

export const inboxFailedCommand: Command = {
  name: 'inbox failed',
  summary: 'List the dead letters: deliveries whose every attempt failed, with the error.',
  help: `Usage: composio-webhooks inbox failed [--limit <n>] [--redis-url <url>] [--queue <name>] [--prefix <p>] [--json]

Options:
  --limit <n>         how many, most recently failed first (default 100)
${CONNECTION_HELP}`,
  options: { ...CONNECTION_OPTIONS, limit: { type: 'string' } },
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    const limit = integerValue(ctx.values, 'limit', ctx.command, { min: 1 }) ?? 100;
    await withInbox(ctx, async (inbox) => {
      const items = await inbox.failed({ limit });
      if (ctx.out.json) {
        ctx.out.data({ queue: inbox.queueName, items });
        return;
      }
      if (items.length === 0) {
        ctx.out.line(`No failed deliveries in ${queueLabel(inbox)}.`);
        return;
      }
      const rows = items.map((item) => [
        item.id,
        item.eventType,
        String(item.attemptsMade),
        item.failedAt === undefined ? '' : new Date(item.failedAt).toISOString(),
        item.failedReason.split('\n')[0] ?? '',
      ]);
      for (const line of table(
        ctx.out.style,
        ['WEBHOOK ID', 'EVENT', 'ATTEMPTS', 'FAILED AT', 'ERROR'],
        rows,
      ))
        ctx.out.line(line);
      ctx.out.line(
        ctx.out.style.dim(`Run them again: composio-webhooks inbox retry <webhook-id> | --all`),
      );
    });
    return 0;
  },
};

export const inboxRetryCommand: Command = {
  name: 'inbox retry',
  summary: 'Run dead letters again (one webhook-id, or --all), with a fresh set of attempts.',
  help: `Usage: composio-webhooks inbox retry <webhook-id> | --all [--redis-url <url>] [--queue <name>] [--prefix <p>] [--json]

Options:
  --all               every delivery in the failed set
${CONNECTION_HELP}`,
  options: { ...CONNECTION_OPTIONS, all: { type: 'boolean' } },
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 1, names: 'one webhook-id' });
    const id = ctx.positionals[0];
    const all = flag(ctx.values, 'all');
    if ((id === undefined) === !all) {
      throw new UsageError('Give one webhook-id or --all (not both).', ctx.command);
    }
    await withInbox(ctx, async (inbox) => {
      if (id !== undefined) {
        await inbox.retry(id);
        if (ctx.out.json) ctx.out.data({ retried: [id] });
        else ctx.out.line(`${ctx.out.style.green('✓')} ${id} queued again.`);
        return;
      }
      const count = await inbox.retryAll();
      if (ctx.out.json) ctx.out.data({ retried: count });
      else
        ctx.out.line(`${ctx.out.style.green('✓')} ${plural(count, 'dead letter')} queued again.`);
    });
    return 0;
  },
};

export const inboxReplayCommand: Command = {
  name: 'inbox replay',
  summary: 'Run again the deliveries processed since a time (e.g. after fixing a handler bug).',
  help: `Usage: composio-webhooks inbox replay --since <time> [--redis-url <url>] [--queue <name>] [--prefix <p>] [--json]

Options:
  --since <time>      an ISO date-time (2026-05-01T12:00:00Z) or a duration ago (90s, 30m, 2h, 1d)
${CONNECTION_HELP}

Only deliveries whose completed jobs are still kept can be replayed (removeOnComplete: 24 hours by
default).`,
  options: { ...CONNECTION_OPTIONS, since: { type: 'string' } },
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    const since = parseSince(ctx.values, ctx.command, Date.now());
    await withInbox(ctx, async (inbox) => {
      const count = await inbox.replay({ since });
      if (ctx.out.json) ctx.out.data({ replayed: count, since: new Date(since).toISOString() });
      else
        ctx.out.line(
          `${ctx.out.style.green('✓')} ${plural(count, 'processed delivery', 'processed deliveries')} since ${new Date(since).toISOString()} queued again.`,
        );
    });
    return 0;
  },
};

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `--since`: an ISO date-time, or a duration before `now`. Milliseconds since the epoch. */
export function parseSince(values: ParsedValues, command: string, now: number): number {
  const raw = stringValue(values, 'since');
  if (raw === undefined) throw new UsageError('--since <time> is required.', command);
  const relative = /^(\d+)(ms|s|m|h|d)$/.exec(raw.trim());
  if (relative) return now - Number(relative[1]) * (UNITS[relative[2] ?? 's'] ?? 1000);
  const absolute = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(absolute)) {
    throw new UsageError(
      `--since must be an ISO date-time (2026-05-01T12:00:00Z) or a duration such as 30m, 2h or 1d, got "${raw}".`,
      command,
    );
  }
  return absolute;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
