/**
 * `listen` (the real binary) is an adapter on core's exchange like every other: core's
 * conformance suite runs against it, and the same requests get byte-identical answers from listen
 * and from an adapter built on the exchange (gzip 415 and a foreign charset 400 included).
 *
 * listen has no handlers of its own, so the suite runs through `listen --forward-to` a conformance
 * app: every refusal (401, 400, 405, 408, 413, 415) is listen's, the handlers' answers (200,
 * duplicate, 409, 500, 503) are the app's, relayed to the sender as they were.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createWebhookRouter } from '@composio-webhooks/core';
import { createExchange } from '@composio-webhooks/core/adapter';
import { readNodeRequest } from '@composio-webhooks/core/node';
import {
  buildTriggerMessage,
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  createConformanceApp,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { describeConformance, serveNode } from '@composio-webhooks/core/testing/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCli, startCli } from './helpers.js';

type ExchangeOptions = NonNullable<Parameters<typeof createExchange>[0]>;

/** A route adapter on core's exchange over node:http: what every framework adapter reduces to. */
function exchangeAdapter(options: ExchangeOptions) {
  const packageName = 'exchange-reference';
  const exchange = createExchange(options, { packageName, kind: 'route' });
  return (req: IncomingMessage, res: ServerResponse) => {
    exchange
      .handle({
        method: req.method ?? '',
        headers: req.headers,
        body: (limits) => readNodeRequest(req, limits, { packageName, howToFix: '' }),
      })
      .then((result) => {
        if (result.type !== 'respond' && result.type !== 'route-failed') return;
        const { status, headers, body } = result.response;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
  };
}

/** Starts `listen --json` with `args` and resolves to it and its URL. */
async function listen(args: string[]): Promise<{ cli: RunningCli; url: string }> {
  const cli = startCli([
    'listen',
    '--port',
    '0',
    '--secret',
    CONFORMANCE_OPTIONS.secret,
    '--body-timeout',
    String(CONFORMANCE_OPTIONS.bodyTimeoutMs),
    '--json',
    '--quiet',
    ...args,
  ]);
  const line = await cli.waitForLine((l) => l.includes('"listening"'), 15_000);
  return { cli, url: (JSON.parse(line) as { listening: string }).listening };
}

describeConformance(
  {
    name: 'listen --forward-to a conformance app (the real binary)',
    kind: 'route',
    // listen has no user route to hand a verified delivery to: forwarding is its route.
    verifyOnly: false,
    async start() {
      const app = createConformanceApp();
      const target = await serveNode(
        exchangeAdapter({ ...CONFORMANCE_OPTIONS, router: app.router }),
      );
      const { cli, url } = await listen([
        '--forward-to',
        `${target.url}${CONFORMANCE_PATHS.router}`,
      ]);
      return {
        url,
        runs: async () => app.runs(),
        close: async () => {
          await cli.stop();
          await target.close();
        },
      };
    },
  },
  { describe, it, beforeAll, afterAll },
);

describe('listen and an adapter on the exchange give the same answer to the same request', () => {
  const { secret } = CONFORMANCE_OPTIONS;
  let cli: RunningCli;
  let listenUrl: string;
  let adapter: Awaited<ReturnType<typeof serveNode>>;
  beforeAll(async () => {
    ({ cli, url: listenUrl } = await listen([]));
    adapter = await serveNode(
      exchangeAdapter({ ...CONFORMANCE_OPTIONS, router: createWebhookRouter().onAny(() => {}) }),
    );
  }, 30_000);
  afterAll(async () => {
    await cli?.stop();
    await adapter?.close();
  });

  async function both(
    method: string,
    body: string | Uint8Array | undefined,
    headers: Record<string, string>,
  ) {
    const send = async (base: string) => {
      const response = await fetch(`${base}/webhooks/composio`, { method, headers, body });
      const kept = ['content-type', 'allow', 'retry-after'].map((n) => [
        n,
        response.headers.get(n),
      ]);
      return {
        status: response.status,
        headers: Object.fromEntries(kept),
        body: await response.text(),
      };
    };
    return { listen: await send(listenUrl), adapter: await send(adapter.url) };
  }

  const event = buildTriggerMessage();
  const cases: Array<
    [
      string,
      () => Promise<[string, string | Uint8Array | undefined, Record<string, string>]>,
      number,
    ]
  > = [
    ['a valid delivery', async () => signed(event), 200],
    ['its copy (same webhook-id)', async () => signed(event), 200],
    [
      'a gzip-encoded body',
      async () => {
        const [m, b, h] = await signed(buildTriggerMessage());
        return [m, gzipSync(String(b)), { ...h, 'content-encoding': 'gzip' }];
      },
      415,
    ],
    [
      'charset=iso-8859-1',
      async () => {
        const [m, b, h] = await signed(buildTriggerMessage());
        return [m, b, { ...h, 'content-type': 'application/json; charset=iso-8859-1' }];
      },
      400,
    ],
    ['no signature headers', async () => ['POST', JSON.stringify(event), {}], 401],
    [
      'another secret',
      async () => {
        const s = await signWebhook({ payload: buildTriggerMessage(), secret: 'not-it' });
        return ['POST', s.body, s.headers];
      },
      401,
    ],
    [
      'a stale timestamp',
      async () => {
        const timestamp = Math.floor(Date.now() / 1000) - 3600;
        const s = await signWebhook({ payload: buildTriggerMessage(), secret, timestamp });
        return ['POST', s.body, s.headers];
      },
      401,
    ],
    [
      'signed malformed JSON',
      async () => {
        const s = await signWebhook({ payload: '{"id": ', secret });
        return ['POST', s.body, s.headers];
      },
      400,
    ],
    ['GET', async () => ['GET', undefined, {}], 405],
    [
      'a body over 1 MiB',
      async () => signed(buildTriggerMessage({ data: { blob: 'x'.repeat(1024 * 1024) } })),
      413,
    ],
  ];

  async function signed(payload: unknown): Promise<[string, string, Record<string, string>]> {
    const s = await signWebhook({ payload, secret });
    return ['POST', s.body, { ...s.headers }];
  }

  it.each(cases)('%s', async (_name, prepare, status) => {
    const [method, body, headers] = await prepare();
    const answers = await both(method, body, headers);
    expect(answers.listen.status).toBe(status);
    expect(answers.listen).toEqual(answers.adapter);
  });
});
