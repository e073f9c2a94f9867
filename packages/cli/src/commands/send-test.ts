/**
 * `send-test`: builds a realistic event with core's testing builders, signs it the way Composio
 * does and POSTs it to a local server, then says what the answer means.
 */
import { readFileSync } from 'node:fs';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
} from '@composio-webhooks/core/testing';
import {
  choiceValue,
  expectPositionals,
  integerValue,
  requiredUrl,
  stringValue,
  UsageError,
} from '../args.js';
import { type Command, type CommandContext, withSpinner } from '../context.js';
import { explainStatus } from '../explain.js';
import { formatBytes, labelled, SECRET_ENV_VAR } from '../format.js';
import { post, signDelivery } from '../http.js';
import { secretOption } from '../secret-options.js';

const EVENTS = ['trigger-message', 'connection-expired', 'trigger-disabled'] as const;
type TestEvent = (typeof EVENTS)[number];
const VERSIONS = ['V1', 'V2', 'V3'] as const;
type Version = (typeof VERSIONS)[number];

export const sendTestCommand: Command = {
  name: 'send-test',
  summary: 'Send a signed, realistic test event to your endpoint and explain the answer.',
  help: `Usage: composio-webhooks send-test --url <url> [--event <type>] [--slug <TRIGGER_SLUG>]
         [--payload-version V1|V2|V3] [--secret <secret>] [--secret-format raw|standard]
         [--data <json>|@file.json] [--id <msg_id>] [--timestamp <unix-seconds>] [--timeout <ms>] [--json]

Tests your handler without Composio: the event is built like Composio's, signed with your secret
(--secret, else ${SECRET_ENV_VAR}) and POSTed to --url. Exit code 0 when the endpoint answers 2xx.

Options:
  --url <url>              your webhook endpoint, e.g. http://localhost:3000/webhooks/composio
  --event <type>           trigger-message (default), connection-expired, trigger-disabled
  --slug <slug>            trigger slug (default GITHUB_COMMIT_EVENT)
  --payload-version <v>    V3 (default); V1 or V2 for legacy trigger-message payloads
  --secret <secret>        default: $${SECRET_ENV_VAR}
  --secret-format <f>      raw (default, Composio's) or standard (whsec_ + base64)
  --data <json>|@<file>    the trigger's payload (trigger-message) or fields to override;
                           @file.json reads it from a file (for bodies too large for a command line)
  --id <msg_id>            webhook-id to send (repeat one to test deduplication)
  --timestamp <seconds>    webhook-timestamp to sign with (test clock skew); default now
  --timeout <ms>           default 10000`,
  options: {
    url: { type: 'string' },
    event: { type: 'string' },
    slug: { type: 'string' },
    'payload-version': { type: 'string' },
    secret: { type: 'string' },
    'secret-format': { type: 'string' },
    data: { type: 'string' },
    id: { type: 'string' },
    timestamp: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    const { values, command, out } = ctx;
    expectPositionals(ctx.positionals, command, { max: 0, names: '' });
    const url = requiredUrl(
      values,
      'url',
      command,
      'send-test needs --url <your webhook endpoint>.',
    );
    const event = choiceValue(values, 'event', EVENTS, command) ?? 'trigger-message';
    const version = choiceValue(values, 'payload-version', VERSIONS, command) ?? 'V3';
    if (version !== 'V3' && event !== 'trigger-message') {
      throw new UsageError(
        `${event} exists only as a V3 payload; --payload-version ${version} is for trigger-message.`,
        command,
      );
    }
    const { secrets, source: secretSource, format: secretFormat } = secretOption(ctx);
    const secret = secrets[0] ?? '';
    const timestamp = integerValue(values, 'timestamp', command, { min: 0 });
    const timeoutMs = integerValue(values, 'timeout', command, { min: 1 }) ?? 10_000;
    const id = stringValue(values, 'id');
    const slug = stringValue(values, 'slug');
    const payload = buildPayload(event, version, slug, readData(ctx));

    const signed = await signDelivery({
      body: JSON.stringify(payload),
      secret,
      secretFormat,
      id,
      timestamp,
      via: 'send-test',
    });
    const headers = signed.headers;
    const type = eventTypeOf(payload);
    const described = `${type}${slugOf(event, version, slug)} · payload ${version} · ${formatBytes(Buffer.byteLength(signed.body))}`;
    if (!out.json) {
      out.line(`${out.style.bold('→ POST')} ${url}`);
      for (const line of labelled(out.style, [
        ['Event', described],
        ['Id', headers['webhook-id']],
        [
          'Signed',
          `secret from ${secretSource} (${secretFormat}), timestamp ${headers['webhook-timestamp']}`,
        ],
      ])) {
        out.line(line);
      }
    }

    const response = await withSpinner(out, `POST ${url}`, () => post(url, signed, timeoutMs));
    const { text, durationMs } = response;
    const explanation = explainStatus(response.status, response, secretSource);

    if (out.json) {
      out.data({
        url,
        ok: explanation.ok,
        status: response.status,
        code: response.code ?? null,
        explanation: explanation.summary,
        hint: explanation.hint || null,
        webhookId: headers['webhook-id'],
        eventType: type,
        payloadVersion: version,
        durationMs,
        response: text.length > 2000 ? `${text.slice(0, 2000)}…` : text,
      });
    } else {
      const mark = explanation.ok ? out.style.green('✔') : out.style.red('✖');
      const statusText = `${response.status} ${response.statusText}`.trim();
      out.line(
        `${mark} ${out.style.bold(`← ${statusText}`)}${response.code ? ` · ${response.code}` : ''} · ${durationMs} ms`,
      );
      out.line(`  ${explanation.summary}`);
      if (explanation.hint) out.line(`  ${out.style.dim(explanation.hint)}`);
      if (!explanation.ok && response.message)
        out.line(`  ${out.style.dim(`receiver said: ${response.message}`)}`);
    }
    return explanation.ok ? 0 : 1;
  },
};

/** `--data '<json>'` or `--data @file.json` (a large body cannot pass on the command line). */
function readData(ctx: CommandContext): Record<string, unknown> | undefined {
  const raw = stringValue(ctx.values, 'data');
  if (raw === undefined) return undefined;
  let text = raw;
  let source = '--data';
  if (raw.startsWith('@')) {
    const path = raw.slice(1);
    source = `--data @${path}`;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new UsageError(`${source}: cannot read ${path} (${code}).`, ctx.command);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(
      raw.startsWith('@')
        ? `${source}: the file is not JSON; it must hold a JSON object.`
        : '--data must be a JSON object, e.g. --data \'{"message":"hi"}\', or @file.json.',
      ctx.command,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${source} must be a JSON object.`, ctx.command);
  }
  return parsed as Record<string, unknown>;
}

function buildPayload(
  event: TestEvent,
  version: Version,
  slug: string | undefined,
  data: Record<string, unknown> | undefined,
): unknown {
  if (event === 'connection-expired') return buildConnectionExpired(data ? { data } : {});
  if (event === 'trigger-disabled') {
    return buildTriggerDisabled({
      ...(slug ? { triggerName: slug } : {}),
      ...(data ? { data } : {}),
    });
  }
  if (version === 'V1') return buildV1TriggerPayload({ slug, payload: data });
  if (version === 'V2') return buildV2TriggerPayload({ slug, data });
  return buildTriggerMessage<string>({ ...(slug ? { slug } : {}), ...(data ? { data } : {}) });
}

function eventTypeOf(payload: unknown): string {
  const type = (payload as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('composio.')
    ? type
    : 'composio.trigger.message';
}

function slugOf(event: TestEvent, version: Version, slug: string | undefined): string {
  if (event === 'connection-expired') return '';
  const name = slug ?? 'GITHUB_COMMIT_EVENT';
  return event === 'trigger-disabled'
    ? ` · trigger ${name}`
    : ` · ${version === 'V2' ? name.toLowerCase() : name}`;
}
