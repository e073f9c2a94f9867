/**
 * Logs: each problem once per request, with the webhook-id (as sent, before verification), the
 * request path and the code, never the message twice. What an issue measured: with
 * `express.json()` mounted first, 5 requests wrote 105 lines (each message twice and its link
 * twice, a stack under it); a delivery no handler matched wrote nothing; the 401 line had neither
 * the webhook-id nor the path.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExchange } from '../create-exchange.js';
import { WebhookError } from '../errors.js';
import { type ExchangeRequest } from '../exchange.js';
import type { WebhookLogger } from '../logger.js';
import type { ReceiverOptions } from '../options.js';
import { createWebhookRouter, type WebhookRouter } from '../router.js';
import { buildTriggerDisabled, buildTriggerMessage, signWebhook } from '../testing.js';

const secret = 'answer-log-secret';
const path = '/webhooks/composio';
const DOCS = 'https://github.com/composio-webhooks/composio-webhooks/blob/main/TROUBLESHOOTING.md#';

/** Every console line as the terminal gets it: the arguments formatted, split into lines. */
function consoleLines() {
  const calls: Array<{ level: string; args: unknown[] }> = [];
  for (const level of ['info', 'warn', 'error', 'log'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      calls.push({ level, args });
    });
  }
  const printed = () =>
    calls.flatMap(({ args }) =>
      args
        .map((arg) => (typeof arg === 'string' ? arg : inspect(arg)))
        .join(' ')
        .split('\n'),
    );
  return { calls, printed };
}

function exchangeWith(options: Partial<ReceiverOptions> & { router?: WebhookRouter } = {}) {
  return createExchange(
    { secret, router: createWebhookRouter().onAny(() => undefined), ...options },
    { packageName: '@composio-webhooks/test', kind: 'middleware' },
  );
}

async function request(
  payload: unknown = buildTriggerMessage(),
  body?: ExchangeRequest['body'],
): Promise<ExchangeRequest & { id: string }> {
  const signed = await signWebhook({ payload, secret });
  return {
    id: signed.headers['webhook-id'],
    method: 'POST',
    path,
    headers: signed.headers,
    body: body ?? (async () => signed.body),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logs: one line per problem and request', () => {
  it('a body parser that ran first (RAW_BODY_UNAVAILABLE): 5 requests, 5 lines, message and link once each', async () => {
    const { calls, printed } = consoleLines();
    const exchange = exchangeWith();
    const parsed = async () => {
      throw new WebhookError(
        'RAW_BODY_UNAVAILABLE',
        '[@composio-webhooks/test] The request body was already parsed. Mount the webhook before express.json().',
      );
    };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sent = await request(undefined, parsed);
      ids.push(sent.id);
      expect(await exchange.handle(sent)).toMatchObject({ response: { status: 500 } });
    }
    expect(calls).toHaveLength(5);
    // As the terminal shows it: the link once per request, and no stack trace under it.
    const text = printed().join('\n');
    expect(text.split(`${DOCS}raw_body_unavailable`)).toHaveLength(6);
    expect(text).not.toMatch(/^\s+at /m);
    for (const [i, { level, args }] of calls.entries()) {
      expect(level).toBe('error');
      const [text, fields] = args as [string, Record<string, unknown>];
      expect(text.split('already parsed')).toHaveLength(2);
      expect(text.split(`${DOCS}raw_body_unavailable`)).toHaveLength(2);
      expect(fields).toEqual({ webhookId: ids[i], code: 'RAW_BODY_UNAVAILABLE', path });
    }
  });

  it('the 401 line carries the webhook-id as sent and the path', async () => {
    const { calls } = consoleLines();
    const forged = await signWebhook({ payload: buildTriggerMessage(), secret: 'not-it' });
    const sent: ExchangeRequest = {
      method: 'POST',
      path,
      headers: forged.headers,
      body: async () => forged.body,
    };
    expect(await exchangeWith().handle(sent)).toMatchObject({ response: { status: 401 } });
    expect(calls).toEqual([
      {
        level: 'warn',
        args: [
          expect.stringContaining('No signature matched'),
          { webhookId: forged.headers['webhook-id'], code: 'INVALID_SIGNATURE', path },
        ],
      },
    ]);
  });

  it('a header-first refusal (stale timestamp) too, before any body byte is read', async () => {
    const { calls } = consoleLines();
    const stale = await signWebhook({
      payload: buildTriggerMessage(),
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    const read = vi.fn(async () => stale.body);
    const sent = { method: 'POST', path, headers: stale.headers, body: read };
    expect(await exchangeWith().handle(sent)).toMatchObject({ response: { status: 401 } });
    expect(read).not.toHaveBeenCalled();
    expect(calls.map((c) => c.args[1])).toEqual([
      { webhookId: stale.headers['webhook-id'], code: 'TIMESTAMP_OUT_OF_TOLERANCE', path },
    ]);
  });

  it('a handler failure: one error line, the handler’s own error as err (its stack), not ours', async () => {
    const { calls } = consoleLines();
    const thrown = new Error('handler broke');
    const router = createWebhookRouter().onAny(() => {
      throw thrown;
    });
    const sent = await request();
    await exchangeWith({ router }).handle(sent);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.level).toBe('error');
    expect(calls[0]?.args[1]).toEqual({
      webhookId: sent.id,
      eventType: 'composio.trigger.message',
      code: 'HANDLER_FAILED',
      path,
      err: thrown,
    });
  });

  it('a copy in flight (409) and a duplicate (200) write nothing: they are the protocol', async () => {
    const { calls } = consoleLines();
    let finish: () => void = () => undefined;
    const router = createWebhookRouter().onAny(
      () => new Promise<void>((resolve) => (finish = resolve)),
    );
    const exchange = exchangeWith({ router });
    const sent = await request();
    const first = exchange.handle(sent);
    await vi.waitFor(() => expect(finish).not.toBe(undefined));
    expect(await exchange.handle(sent)).toMatchObject({ response: { status: 409 } });
    finish();
    await first;
    expect(await exchange.handle(sent)).toMatchObject({ response: { status: 200 } });
    expect(calls).toEqual([]);
  });
});

describe('logs: a delivery no handler matched', () => {
  const noTrigger = () => createWebhookRouter().on('composio.trigger.disabled', () => undefined);

  it("is answered 200 and logged once at 'warn' by default, saying how to handle it", async () => {
    const { calls } = consoleLines();
    const sent = await request(buildTriggerMessage({ slug: 'SLACK_RECEIVE_MESSAGE' }));
    const result = await exchangeWith({ router: noTrigger() }).handle(sent);
    expect(result).toMatchObject({ response: { status: 200 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.level).toBe('warn');
    expect(calls[0]?.args[0]).toContain(
      'No handler matched composio.trigger.message (SLACK_RECEIVE_MESSAGE) delivery',
    );
    expect(calls[0]?.args[0]).toContain("router.onTrigger('SLACK_RECEIVE_MESSAGE', …)");
    expect(calls[0]?.args[1]).toEqual({
      webhookId: sent.id,
      eventType: 'composio.trigger.message',
      path,
    });
  });

  it("unmatchedLogLevel: 'info' logs at info (Nest's Logger: log), false not at all", async () => {
    const info = consoleLines();
    await exchangeWith({ router: noTrigger(), unmatchedLogLevel: 'info' }).handle(await request());
    expect(info.calls.map((c) => c.level)).toEqual(['info']);
    vi.restoreAllMocks();

    const lines: string[] = [];
    const nestLike = {
      log: (text: string) => lines.push(`log ${text}`),
      warn: (text: string) => lines.push(`warn ${text}`),
      error: (text: string) => lines.push(`error ${text}`),
    } as WebhookLogger;
    await exchangeWith({ router: noTrigger(), unmatchedLogLevel: 'info', logger: nestLike }).handle(
      await request(),
    );
    expect(lines).toEqual([expect.stringMatching(/^log .*No handler matched/)]);

    const silent = consoleLines();
    await exchangeWith({ router: noTrigger(), unmatchedLogLevel: false }).handle(await request());
    expect(silent.calls).toEqual([]);
  });

  it('a handled delivery, or an onAny router, logs nothing', async () => {
    const { calls } = consoleLines();
    await exchangeWith({ router: noTrigger() }).handle(await request(buildTriggerDisabled()));
    await exchangeWith().handle(await request());
    expect(calls).toEqual([]);
  });

  it('a bad unmatchedLogLevel is an INVALID_CONFIG at start-up', () => {
    expect(() => exchangeWith({ unmatchedLogLevel: 'debug' as never })).toThrow(
      /\[@composio-webhooks\/test\] unmatchedLogLevel must be 'warn', 'info' or false, got "debug"/,
    );
  });
});
