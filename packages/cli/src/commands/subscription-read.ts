/**
 * `subscription get`, `subscription list`, `event-types`: read-only commands.
 */
import type { Subscription } from '@composio-webhooks/client';
import { expectPositionals, flag, integerValue, stringValue } from '../args.js';
import { type Command, resolveSubscriptionId, withSpinner } from '../context.js';
import { formatEventTypes, formatSubscription, redactSubscription, table } from '../format.js';

export const getCommand: Command = {
  name: 'subscription get',
  summary: 'Show a webhook subscription (by default the project’s only one).',
  help: `Usage: composio-webhooks subscription get [id] [--show-secret] [--json]

Options:
  --show-secret   print the signing secret instead of masking it`,
  options: { 'show-secret': { type: 'boolean' } },
  usesApi: true,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 1, names: 'one id' });
    const id = await resolveSubscriptionId(ctx, ctx.positionals[0]);
    const subscription = await withSpinner(ctx.out, 'Fetching the subscription…', () =>
      ctx.client().get(id),
    );
    const showSecret = flag(ctx.values, 'show-secret');
    if (ctx.out.json) ctx.out.data(redactSubscription(subscription, showSecret));
    else
      for (const line of formatSubscription(subscription, ctx.out.style, { showSecret }))
        ctx.out.line(line);
    return 0;
  },
};

export const listCommand: Command = {
  name: 'subscription list',
  summary: 'List the project’s webhook subscriptions, a page at a time or --all.',
  help: `Usage: composio-webhooks subscription list [--limit <n>] [--cursor <cursor>] [--all] [--show-secret] [--json]

Options:
  --limit <n>       page size
  --cursor <c>      the next-page cursor printed by the previous call
  --all             follow the cursors and print every subscription
  --show-secret     print signing secrets instead of masking them`,
  options: {
    limit: { type: 'string' },
    cursor: { type: 'string' },
    all: { type: 'boolean' },
    'show-secret': { type: 'boolean' },
  },
  usesApi: true,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    const limit = integerValue(ctx.values, 'limit', ctx.command, { min: 1 });
    const cursor = stringValue(ctx.values, 'cursor');
    const showSecret = flag(ctx.values, 'show-secret');
    const { out } = ctx;

    if (flag(ctx.values, 'all')) {
      const items: Subscription[] = [];
      await withSpinner(out, 'Listing subscriptions…', async () => {
        for await (const subscription of ctx.client().listAll({ limit })) items.push(subscription);
      });
      if (out.json) out.data({ items: items.map((s) => redactSubscription(s, showSecret)) });
      else printTable(ctx, items, `${items.length} subscription${items.length === 1 ? '' : 's'}`);
      return 0;
    }

    const page = await withSpinner(out, 'Listing subscriptions…', () =>
      ctx.client().list({ limit, cursor }),
    );
    if (out.json) {
      out.data({ ...page, items: page.items.map((s) => redactSubscription(s, showSecret)) });
      return 0;
    }
    const footer =
      `Page ${page.currentPage} of ${page.totalPages} · ${page.totalItems} subscription` +
      `${page.totalItems === 1 ? '' : 's'}` +
      (page.nextCursor ? ` · next page: --cursor ${page.nextCursor}` : '');
    printTable(ctx, page.items, footer);
    return 0;
  },
};

function printTable(
  ctx: Parameters<Command['run']>[0],
  items: Subscription[],
  footer: string,
): void {
  const { out } = ctx;
  if (items.length === 0) {
    out.line(
      'No webhook subscription. Create one: composio-webhooks subscription set --url <https-url>',
    );
    return;
  }
  const rows = items.map((s) => [s.id, s.version, s.enabledEvents.join(','), s.webhookUrl]);
  for (const line of table(out.style, ['ID', 'VERSION', 'EVENTS', 'URL'], rows)) out.line(line);
  out.line(out.style.dim(footer));
}

export const eventTypesCommand: Command = {
  name: 'event-types',
  summary: 'List the event types a subscription can enable.',
  help: 'Usage: composio-webhooks event-types [--json]',
  options: {},
  usesApi: true,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    const types = await withSpinner(ctx.out, 'Fetching event types…', () =>
      ctx.client().listEventTypes(),
    );
    if (ctx.out.json) ctx.out.data({ items: types });
    else for (const line of formatEventTypes(types, ctx.out.style)) ctx.out.line(line);
    return 0;
  },
};
