/**
 * `send-test`: builds a realistic event with core's testing builders, signs it the way Composio
 * does and POSTs it to a local server, then says what the answer means.
 */
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { choiceValue, expectPositionals, integerValue, stringValue, UsageError } from '../args.js';
import { CliError, type Command, type CommandContext, withSpinner } from '../context.js';
import { explainStatus, readReceiverBody } from '../explain.js';
import { formatBytes, labelled, SECRET_ENV_VAR } from '../format.js';
import { CLI_VERSION } from '../version.js';

const EVENTS = ['trigger-message', 'connection-expired', 'trigger-disabled'] as const;
type TestEvent = (typeof EVENTS)[number];
const VERSIONS = ['V1', 'V2', 'V3'] as const;
type Version = (typeof VERSIONS)[number];

export const sendTestCommand: Command = {
  name: 'send-test',
  summary: 'Send a signed, realistic test event to your endpoint and explain the answer.',
  help: `Usage: composio-webhooks send-test --url <url> [--event <type>] [--slug <TRIGGER_SLUG>]
         [--payload-version V1|V2|V3] [--secret <secret>] [--secret-format raw|standard]
         [--data <json>] [--id <msg_id>] [--timestamp <unix-seconds>] [--timeout <ms>] [--json]

Tests your handler without Composio: the event is built like Composio's, signed with your secret
(--secret, else ${SECRET_ENV_VAR}) and POSTed to --url. Exit code 0 when the endpoint answers 2xx.

Options:
  --url <url>              your webhook endpoint, e.g. http://localhost:3000/webhooks/composio
  --event <type>           trigger-message (default), connection-expired, trigger-disabled
  --slug <slug>            trigger slug (default GITHUB_COMMIT_EVENT)
  --payload-version <v>    V3 (default); V1 or V2 for legacy trigger-message payloads
  --secret <secret>        default: $${SECRET_ENV_VAR}
  --secret-format <f>      raw (default, Composio's) or standard (whsec_ + base64)
  --data <json>            the trigger's payload (trigger-message) or fields to override
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
    const url = stringValue(values, 'url');
    if (url === undefined)
      throw new UsageError('send-test needs --url <your webhook endpoint>.', command);
    if (!/^https?:\/\/\S+$/i.test(url))
      throw new UsageError(`--url must be an http(s) URL, got "${url}".`, command);
    const event = choiceValue(values, 'event', EVENTS, command) ?? 'trigger-message';
    const version = choiceValue(values, 'payload-version', VERSIONS, command) ?? 'V3';
    if (version !== 'V3' && event !== 'trigger-message') {
      throw new UsageError(
        `${event} exists only as a V3 payload; --payload-version ${version} is for trigger-message.`,
        command,
      );
    }
    const secretFormat =
      choiceValue(values, 'secret-format', ['raw', 'standard'] as const, command) ?? 'raw';
    const flagSecret = stringValue(values, 'secret');
    const secret = flagSecret ?? ctx.io.env[SECRET_ENV_VAR];
    if (secret === undefined || secret === '') {
      throw new UsageError(
        `No webhook secret: pass --secret <secret> or set ${SECRET_ENV_VAR}.`,
        command,
      );
    }
    const secretSource = flagSecret !== undefined ? '--secret' : `$${SECRET_ENV_VAR}`;
    const timestamp = integerValue(values, 'timestamp', command, { min: 0 });
    const timeoutMs = integerValue(values, 'timeout', command, { min: 1 }) ?? 10_000;
    const id = stringValue(values, 'id');
    const slug = stringValue(values, 'slug');
    const payload = buildPayload(event, version, slug, readData(ctx));

    const signed = await signWebhook({ payload, secret, secretFormat, id, timestamp });
    const headers = {
      ...signed.headers,
      'x-composio-delivery-attempt': '1',
      'user-agent': `composio-webhooks-cli/${CLI_VERSION} (send-test)`,
    };
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

    const started = performance.now();
    let response: Response;
    let text: string;
    try {
      ({ response, text } = await withSpinner(out, `POST ${url}`, async () => {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body: signed.body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        return { response: res, text: await res.text() };
      }));
    } catch (error) {
      throw connectionError(url, error, timeoutMs);
    }
    const durationMs = Math.round(performance.now() - started);
    const receiver = readReceiverBody(text);
    const explanation = explainStatus(response.status, receiver, secretSource);

    if (out.json) {
      out.data({
        url,
        ok: explanation.ok,
        status: response.status,
        code: receiver.code ?? null,
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
        `${mark} ${out.style.bold(`← ${statusText}`)}${receiver.code ? ` · ${receiver.code}` : ''} · ${durationMs} ms`,
      );
      out.line(`  ${explanation.summary}`);
      if (explanation.hint) out.line(`  ${out.style.dim(explanation.hint)}`);
      if (!explanation.ok && receiver.message)
        out.line(`  ${out.style.dim(`receiver said: ${receiver.message}`)}`);
    }
    return explanation.ok ? 0 : 1;
  },
};

function readData(ctx: CommandContext): Record<string, unknown> | undefined {
  const raw = stringValue(ctx.values, 'data');
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(
      '--data must be a JSON object, e.g. --data \'{"message":"hi"}\'.',
      ctx.command,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--data must be a JSON object.', ctx.command);
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

function connectionError(url: string, error: unknown, timeoutMs: number): CliError {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new CliError(`No answer from ${url} within ${timeoutMs} ms: is a handler hanging?`, {
      code: 'TIMEOUT',
    });
  }
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED') {
    return new CliError(
      `Nothing is listening at ${url} (ECONNREFUSED): start your server, or check the port.`,
      {
        code,
      },
    );
  }
  const reason =
    typeof code === 'string'
      ? code
      : cause instanceof Error
        ? cause.message
        : error instanceof Error
          ? error.message
          : String(error);
  return new CliError(`Could not reach ${url}: ${reason}.`, {
    code: typeof code === 'string' ? code : 'NETWORK_ERROR',
  });
}
