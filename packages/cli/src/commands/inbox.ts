/**
 * `inbox stats`, `inbox failed`, `inbox retry`, `inbox replay`: operating a durable inbox — of
 * @composio-webhooks/bullmq (a `redis://` URL) or @composio-webhooks/pg-boss (`postgres://`). The
 * engine package is loaded only when one of these commands runs (see inbox-engines.ts).
 */
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
import {
  engineOf,
  type InboxOperations,
  isUnreachable,
  loadEngine,
  openBullmq,
  openPgBoss,
  schemaMissingMessage,
  unreachableMessage,
} from '../inbox-engines.js';

type BullmqModule = typeof import('@composio-webhooks/bullmq');

/** Loads @composio-webhooks/bullmq; a missing install becomes a usage error saying what to install. */
export function loadInboxModule(
  importer: () => Promise<BullmqModule> = () => import('@composio-webhooks/bullmq'),
): Promise<BullmqModule> {
  return loadEngine('bullmq', importer);
}

const CONNECTION_HELP = `  --url <url>         the inbox's engine: redis://… (BullMQ) or postgres://… (pg-boss)
                      (default: $REDIS_URL, or $DATABASE_URL)
  --queue <name>      queue name (default: composio-webhooks)
  --prefix <prefix>   BullMQ key prefix (default: bull; on Redis Cluster the hash-tagged one you use)
  --schema <name>     pg-boss schema (default: pgboss)`;

const CONNECTION_OPTIONS: OptionSpecs = {
  url: { type: 'string' },
  'redis-url': { type: 'string' },
  queue: { type: 'string' },
  prefix: { type: 'string' },
  schema: { type: 'string' },
};

/** The inbox URL: --url (or the older --redis-url), else REDIS_URL or DATABASE_URL. */
function inboxUrl(ctx: CommandContext): string {
  const given = stringValue(ctx.values, 'url') ?? stringValue(ctx.values, 'redis-url');
  if (given !== undefined) return given;
  const redis = ctx.io.env.REDIS_URL || undefined;
  const database = ctx.io.env.DATABASE_URL || undefined;
  if (redis !== undefined && database !== undefined) {
    throw new UsageError(
      'Both REDIS_URL and DATABASE_URL are set: pass --url with the one your inbox uses (redis://… for BullMQ, postgres://… for pg-boss).',
      ctx.command,
    );
  }
  const url = redis ?? database;
  if (url === undefined) {
    throw new UsageError(
      "No inbox URL: pass --url redis://… (BullMQ) or --url postgres://… (pg-boss), or set REDIS_URL or DATABASE_URL to the inbox's.",
      ctx.command,
    );
  }
  return url;
}

/** Opens the inbox named by the options, runs `task`, and always closes it. */
async function withInbox<T>(ctx: CommandContext, task: (inbox: InboxOperations) => Promise<T>) {
  const url = inboxUrl(ctx);
  const engine = engineOf(url);
  if (engine === undefined) {
    throw new UsageError(
      `The inbox URL must start with redis:// or rediss:// (BullMQ) or postgres:// or postgresql:// (pg-boss), got "${url.split(':')[0]}:…".`,
      ctx.command,
    );
  }
  const options = {
    url,
    queue: stringValue(ctx.values, 'queue'),
    prefix: stringValue(ctx.values, 'prefix'),
    schema: stringValue(ctx.values, 'schema'),
  };
  if (engine === 'bullmq' && options.schema !== undefined) {
    throw new UsageError('--schema is for a pg-boss inbox (postgres:// URL).', ctx.command);
  }
  if (engine === 'pg-boss' && options.prefix !== undefined) {
    throw new UsageError('--prefix is for a BullMQ inbox (redis:// URL).', ctx.command);
  }
  const inbox =
    engine === 'bullmq'
      ? await openBullmq(options, () => import('@composio-webhooks/bullmq'))
      : await openPgBoss(options, () => import('@composio-webhooks/pg-boss'));
  try {
    return await task(inbox);
  } catch (error) {
    if (isUnreachable(error)) throw new Error(unreachableMessage(engine, url, error));
    const missing =
      engine === 'pg-boss' && schemaMissingMessage(url, options.schema ?? 'pgboss', error);
    if (missing) throw new Error(missing);
    throw error;
  } finally {
    await inbox.close().catch(() => {});
  }
}

function queueLabel(inbox: InboxOperations): string {
  return inbox.label;
}

export const inboxStatsCommand: Command = {
  name: 'inbox stats',
  summary: 'Count the inbox jobs: waiting, active, delayed, completed, failed (dead letters).',
  help: `Usage: composio-webhooks inbox stats [--url <url>] [--queue <name>] [--prefix <p> | --schema <s>] [--json]

Options:
${CONNECTION_HELP}`,
  options: CONNECTION_OPTIONS,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    await withInbox(ctx, async (inbox) => {
      const stats = await inbox.stats();
      if (ctx.out.json) {
        ctx.out.data({ ...inbox.names, ...stats });
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
  help: `Usage: composio-webhooks inbox failed [--limit <n>] [--url <url>] [--queue <name>] [--prefix <p> | --schema <s>] [--json]

Options:
  --limit <n>         how many, most recently failed first (default 100)
${CONNECTION_HELP}`,
  options: { ...CONNECTION_OPTIONS, limit: { type: 'string' } },
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    const limit = integerValue(ctx.values, 'limit', ctx.command, { min: 1 }) ?? 100;
    await withInbox(ctx, async (inbox) => {
      const items = await inbox.failed(limit);
      if (ctx.out.json) {
        ctx.out.data({ queue: inbox.names.queue, items });
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
  help: `Usage: composio-webhooks inbox retry <webhook-id> | --all [--url <url>] [--queue <name>] [--prefix <p> | --schema <s>] [--json]

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
  help: `Usage: composio-webhooks inbox replay --since <time> [--url <url>] [--queue <name>] [--prefix <p> | --schema <s>] [--json]

Options:
  --since <time>      an ISO date-time (2026-05-01T12:00:00Z) or a duration ago (90s, 30m, 2h, 1d)
${CONNECTION_HELP}

Only deliveries whose completed jobs are still kept can be replayed (24 hours by default: BullMQ's
removeOnComplete, pg-boss's archiveCompletedAfterSeconds).`,
  options: { ...CONNECTION_OPTIONS, since: { type: 'string' } },
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    const since = parseSince(ctx.values, ctx.command, Date.now());
    await withInbox(ctx, async (inbox) => {
      const count = await inbox.replay(since);
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
