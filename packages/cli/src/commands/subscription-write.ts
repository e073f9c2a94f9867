/**
 * `subscription set|update|delete|rotate-secret`: commands that change the subscription.
 */
import {
  type Subscription,
  type UpdateSubscriptionPatch,
  WEBHOOK_VERSIONS,
} from '@composio-webhooks/client';
import {
  choiceValue,
  expectPositionals,
  flag,
  type ParsedValues,
  stringList,
  UsageError,
  urlValue,
} from '../args.js';
import {
  type Command,
  type CommandContext,
  resolveSubscriptionId,
  withSpinner,
} from '../context.js';
import {
  EVENT_ALIASES,
  envLine,
  expandEventName,
  formatSubscription,
  redactSubscription,
  SECRET_ENV_VAR,
} from '../format.js';

/**
 * What `rotate-secret` tells users to deploy: strict-TypeScript-clean, and a missing variable is
 * named (core alone would only say that secret[1] is not a string).
 */
const ROTATION_SNIPPET = `import { createWebhookVerifier } from '@composio-webhooks/core';

function secretFrom(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(\`\${name} is not set: during a secret rotation, set it on every server.\`);
  }
  return value;
}

// New first, then old. The adapters take the same list: composioWebhook({ router, secret }).
export const verifier = createWebhookVerifier({
  secret: [secretFrom('${SECRET_ENV_VAR}'), secretFrom('${SECRET_ENV_VAR}_OLD')],
});`;

const EVENTS_HELP = `  --events <list>            event types, comma-separated or repeated; short names:
                             ${Object.keys(EVENT_ALIASES).join(', ')}`;

const writeOptions = {
  url: { type: 'string' },
  events: { type: 'string', multiple: true },
  'payload-version': { type: 'string' },
} as const;

function readFields(values: ParsedValues, command: string): UpdateSubscriptionPatch {
  const patch: UpdateSubscriptionPatch = {};
  const url = urlValue(values, 'url', command);
  if (url !== undefined) patch.webhookUrl = url;
  const events = stringList(values, 'events');
  if (events !== undefined) {
    if (events.length === 0)
      throw new UsageError('--events needs at least one event type.', command);
    patch.enabledEvents = events.map(expandEventName);
  }
  const version = choiceValue(values, 'payload-version', WEBHOOK_VERSIONS, command);
  if (version !== undefined) patch.version = version;
  return patch;
}

function printSecret(ctx: CommandContext, secret: string): void {
  const { out } = ctx;
  out.line();
  out.line(
    `Signing secret — store it now (e.g. in your .env or secret manager), it verifies every delivery:`,
  );
  out.line();
  out.line(out.style.bold(envLine(secret)));
  out.line();
}

/** V1/V2 payloads only carry trigger messages; the lifecycle events need V3. */
function warnVersion(ctx: CommandContext, subscription: Subscription): void {
  const lifecycle = subscription.enabledEvents.filter((e) => e !== 'composio.trigger.message');
  if (subscription.version !== 'V3' && lifecycle.length > 0) {
    ctx.out.note(
      ctx.out.errStyle.yellow(
        `warning: ${lifecycle.join(', ')} ${lifecycle.length === 1 ? 'is' : 'are'} only delivered with V3 payloads; this subscription uses ${subscription.version}.`,
      ),
    );
  }
}

export const setCommand: Command = {
  name: 'subscription set',
  summary: 'Create or update the project’s subscription to exactly this URL, events and version.',
  help: `Usage: composio-webhooks subscription set --url <https-url> [--events <list>] [--payload-version V1|V2|V3] [--json]

Creates the project's webhook subscription, or updates the one it has (Composio allows one per
project). Unset options take their defaults: events composio.trigger.message, version V3.
Prints the signing secret as a ${SECRET_ENV_VAR}=… line to paste.

Options:
  --url <url>                where Composio POSTs deliveries
${EVENTS_HELP}
  --payload-version <v>      V3 (default), or the legacy V1/V2

Example:
  composio-webhooks subscription set --url https://api.example.com/webhooks/composio \\
    --events trigger-message,connection-expired`,
  options: writeOptions,
  usesApi: true,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
    const fields = readFields(ctx.values, ctx.command);
    if (fields.webhookUrl === undefined)
      throw new UsageError('subscription set needs --url <https-url>.', ctx.command);
    const result = await withSpinner(ctx.out, 'Saving the subscription…', () =>
      ctx.client().set({
        webhookUrl: fields.webhookUrl ?? '',
        enabledEvents: fields.enabledEvents,
        version: fields.version,
      }),
    );
    const { subscription, created } = result;
    if (ctx.out.json) {
      ctx.out.data({ created, subscription, env: envLine(subscription.secret) });
    } else {
      ctx.out.line(
        ctx.out.style.green(
          `${created ? 'Created' : 'Updated'} webhook subscription ${subscription.id}`,
        ),
      );
      for (const line of formatSubscription(subscription, ctx.out.style, {
        showSecret: false,
      }).slice(1)) {
        if (!line.includes('Secret')) ctx.out.line(line);
      }
      printSecret(ctx, subscription.secret);
      ctx.out.line(
        ctx.out.style.dim(
          'Test your endpoint without Composio: composio-webhooks send-test --url <your-url>',
        ),
      );
    }
    warnVersion(ctx, subscription);
    return 0;
  },
};

export const updateCommand: Command = {
  name: 'subscription update',
  summary: 'Change some fields of a subscription (by default the project’s only one).',
  help: `Usage: composio-webhooks subscription update [id] [--url <url>] [--events <list>] [--payload-version V1|V2|V3] [--json]

Only the options given change.

Options:
  --url <url>                where Composio POSTs deliveries
${EVENTS_HELP}
  --payload-version <v>      V1, V2 or V3`,
  options: writeOptions,
  usesApi: true,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 1, names: 'one id' });
    const patch = readFields(ctx.values, ctx.command);
    if (Object.keys(patch).length === 0) {
      throw new UsageError(
        'Nothing to update: pass --url, --events or --payload-version.',
        ctx.command,
      );
    }
    const id = await resolveSubscriptionId(ctx, ctx.positionals[0]);
    const subscription = await withSpinner(ctx.out, 'Updating the subscription…', () =>
      ctx.client().update(id, patch),
    );
    if (ctx.out.json) ctx.out.data(redactSubscription(subscription, false));
    else {
      ctx.out.line(ctx.out.style.green(`Updated webhook subscription ${subscription.id}`));
      for (const line of formatSubscription(subscription, ctx.out.style, {
        showSecret: false,
      }).slice(1))
        ctx.out.line(line);
    }
    warnVersion(ctx, subscription);
    return 0;
  },
};

export const deleteCommand: Command = {
  name: 'subscription delete',
  summary: 'Delete a subscription: Composio stops delivering at once.',
  help: `Usage: composio-webhooks subscription delete <id> --yes [--json]

Options:
  --yes   confirm (deliveries stop immediately)`,
  options: { yes: { type: 'boolean' } },
  usesApi: true,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 1, names: 'one id' });
    const id = ctx.positionals[0];
    if (id === undefined)
      throw new UsageError('subscription delete needs the subscription id.', ctx.command);
    if (!flag(ctx.values, 'yes')) {
      throw new UsageError(
        `Deleting ${id} stops every delivery at once: add --yes to confirm.`,
        ctx.command,
      );
    }
    const result = await withSpinner(ctx.out, 'Deleting…', () => ctx.client().delete(id));
    if (ctx.out.json) ctx.out.data({ id, ...result });
    else
      ctx.out.line(`Deleted webhook subscription ${id}. Composio no longer delivers events to it.`);
    return result.success ? 0 : 1;
  },
};

export const rotateCommand: Command = {
  name: 'subscription rotate-secret',
  summary: 'Rotate the signing secret (the old one stops validating at once).',
  help: `Usage: composio-webhooks subscription rotate-secret [id] --yes [--json]

Composio signs with the new secret from the moment it answers and keeps no grace period for the
old one. Deploy both to your receiver for a while — secret: [newSecret, oldSecret] — so that no
delivery is dropped while the new secret rolls out.

Options:
  --yes   confirm the rotation`,
  options: { yes: { type: 'boolean' } },
  usesApi: true,
  async run(ctx) {
    expectPositionals(ctx.positionals, ctx.command, { max: 1, names: 'one id' });
    if (!flag(ctx.values, 'yes')) {
      throw new UsageError(
        'Rotating makes Composio sign with a new secret at once; receivers that only know the old ' +
          'one reject deliveries until you deploy it. Add --yes to confirm.',
        ctx.command,
      );
    }
    const id = await resolveSubscriptionId(ctx, ctx.positionals[0]);
    const rotated = await withSpinner(ctx.out, 'Rotating the secret…', () =>
      ctx.client().rotateSecret(id),
    );
    const { out } = ctx;
    if (out.json) {
      out.data({ ...rotated, env: envLine(rotated.secret), rotationSnippet: ROTATION_SNIPPET });
      return 0;
    }
    out.line(out.style.green(`Rotated the signing secret of ${rotated.id}.`));
    printSecret(ctx, rotated.secret);
    for (const line of [
      'Rotation window: Composio signs every delivery with the new secret from now on, and the old',
      'one stops validating at once. Until your servers run with the new secret, they answer 401 and',
      'Composio retries. To drop nothing, deploy both secrets now, new first — secret: [new, old] —',
      `with the old one in ${SECRET_ENV_VAR}_OLD:`,
    ]) {
      out.line(out.style.dim(line));
    }
    out.line();
    for (const line of ROTATION_SNIPPET.split('\n')) out.line(line === '' ? '' : `    ${line}`);
    out.line();
    out.line(
      out.style.dim(
        `Remove ${SECRET_ENV_VAR}_OLD once deliveries signed with it have drained (after the retry window).`,
      ),
    );
    return 0;
  },
};
