/**
 * `@composio-webhooks/core/testing/conformance`: the one suite every adapter's tests run, over
 * real HTTP, against an app built with `createConformanceApp()` (see `conformance-app.ts`): the
 * status table, duplicates, in flight, handler failure and retry, the handler deadline, request
 * hygiene (size, encoding, slow bodies, early refusals), bad input, and verify-only settling.
 * A new adapter is done when it passes it. Runs on Node (it opens raw sockets for the slow and
 * oversize cases); the app under test may run anywhere.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import {
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  type ConformanceBehaviour,
  type ConformanceRun,
} from './conformance-app.js';
import type { AdapterKind } from './exchange.js';
import { signWebhook } from './sign.js';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  messageId,
} from './testing.js';

/** A running conformance app. */
export interface ConformanceServer {
  /** Base URL, e.g. `http://127.0.0.1:4123` or `http://127.0.0.1:4123/conformance` (the app serves `CONFORMANCE_PATHS` under it). */
  url: string;
  /** The handler runs so far; default: `GET <url>/__conformance/runs`. */
  runs?(): Promise<ConformanceRun[]>;
  close(): Promise<void>;
}

export interface ConformanceTarget {
  /** Shown in test names, e.g. `Express 5`. */
  name: string;
  start(): Promise<ConformanceServer>;
  /** `'middleware'` adapters pass other methods on; `'route'` and `'handler'` adapters answer them 405. */
  kind: AdapterKind;
  /** The app serves `CONFORMANCE_PATHS.verifyOnly` in verify-only mode (default true). */
  verifyOnly?: boolean;
  /**
   * The platform reads the whole body before the adapter sees it (AWS Lambda behind API Gateway,
   * a function URL or an ALB): the stream cases (a chunked body past the limit, a body that
   * stalls) are the platform's, and are skipped.
   */
  bufferedBody?: boolean;
  /**
   * The platform hands the body to the adapter as decoded UTF-8 text (serverless-offline's API
   * Gateway for JSON content types): bytes that are not UTF-8 cannot arrive intact.
   */
  textBody?: boolean;
}

/** The test functions of the runner (vitest, jest, node:test with expect), injected. */
export interface ConformanceRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>): void;
}

const { secret } = CONFORMANCE_OPTIONS;

interface Sent {
  status: number;
  headers: Headers;
  body: { ok?: boolean; id?: string; duplicate?: boolean; error?: { code?: string } } & Record<
    string,
    unknown
  >;
  text: string;
}

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`conformance: ${what}`);
}

function expectStatus(sent: Sent, status: number, code?: string): void {
  check(
    sent.status === status,
    `expected ${status}${code ? ` ${code}` : ''}, got ${sent.status}: ${sent.text.slice(0, 300)}`,
  );
  if (code) check(sent.body.error?.code === code, `expected code ${code}, got ${sent.text}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function trigger(behaviour: ConformanceBehaviour = {}, id = messageId()) {
  return buildTriggerMessage({ id, data: { conformance: behaviour, note: 'conformance' } });
}

/** Registers the conformance suite for one target. */
export function describeConformance(target: ConformanceTarget, t: ConformanceRunner): void {
  let server: ConformanceServer;
  const url = (path: string) => `${server.url}${path}`;

  async function post(
    body: string | Uint8Array,
    headers: Record<string, string>,
    path: string = CONFORMANCE_PATHS.router,
  ): Promise<Sent> {
    const response = await fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await response.text();
    let parsed: Sent['body'] = {};
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (e.g. a framework's own error page): the assertions say so.
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  async function deliver(payload: unknown, path?: string, id?: string): Promise<Sent> {
    const signed = await signWebhook({ payload, secret, ...(id && { id }) });
    return post(signed.body, signed.headers, path);
  }

  async function runsOf(id: string): Promise<ConformanceRun[]> {
    const all = server.runs
      ? await server.runs()
      : ((await (await fetch(url(CONFORMANCE_PATHS.runs))).json()) as ConformanceRun[]);
    return all.filter((run) => run.id === id);
  }

  t.describe(`conformance: ${target.name}`, () => {
    t.beforeAll(async () => {
      server = await target.start();
    }, 60_000);
    t.afterAll(async () => {
      await server?.close();
    });

    t.describe('router mode', () => {
      const kinds: Array<[string, () => { id: string } & Record<string, unknown>]> = [
        ['a V3 trigger message', () => trigger()],
        ['a connection expired event', () => buildConnectionExpired()],
        ['a trigger disabled event', () => buildTriggerDisabled()],
        [
          'an unknown composio.* event',
          () => ({
            id: messageId(),
            type: 'composio.project.renamed',
            timestamp: new Date().toISOString(),
            metadata: {},
            data: { name: 'new' },
          }),
        ],
      ];
      for (const [name, build] of kinds) {
        t.it(`200: ${name} runs its handler once; a copy is 200 duplicate`, async () => {
          const event = build();
          const first = await deliver(event);
          expectStatus(first, 200);
          check(first.body.ok === true && first.body.id === event.id, `body ${first.text}`);
          const copy = await deliver(event);
          expectStatus(copy, 200);
          check(copy.body.duplicate === true, `copy body ${copy.text}`);
          check((await runsOf(event.id)).length === 1, 'handler ran once');
        });
      }

      t.it('200: V1 and V2 legacy payloads are normalised to trigger messages', async () => {
        const v2id = messageId();
        const v2 = {
          type: 'github_commit_event',
          timestamp: new Date().toISOString(),
          log_id: 'log_1',
          data: {
            connection_id: 'c1',
            connection_nano_id: 'cn',
            trigger_nano_id: 'tn',
            trigger_id: 't',
            user_id: 'u',
            sha: 'abc',
          },
        };
        expectStatus(await deliver(v2, undefined, v2id), 200);
        const v1id = messageId();
        const v1 = {
          trigger_name: 'GITHUB_COMMIT_EVENT',
          connection_id: 'c1',
          trigger_id: 't',
          payload: { sha: 'abc' },
          log_id: 'log_2',
        };
        expectStatus(await deliver(v1, undefined, v1id), 200);
        const runs = [...(await runsOf(v2id)), ...(await runsOf(v1id))];
        check(
          runs.map((r) => `${r.version}:${r.type}`).join() ===
            'V2:composio.trigger.message,V1:composio.trigger.message',
          `runs ${JSON.stringify(runs)}`,
        );
      });

      t.it('200: a 200 KB delivery', async () => {
        const event = buildTriggerMessage({ data: { blob: 'x'.repeat(200 * 1024) } });
        expectStatus(await deliver(event), 200);
      });

      t.it('409 with Retry-After while a copy is in flight; the first then completes', async () => {
        const event = trigger({ sleepMs: 400 });
        const first = deliver(event);
        await sleep(150);
        const copy = await deliver(event);
        expectStatus(copy, 409, 'DUPLICATE_IN_FLIGHT');
        check(copy.headers.get('retry-after') !== null, 'Retry-After on 409');
        expectStatus(await first, 200);
        check((await runsOf(event.id)).length === 1, 'handler ran once');
      });

      t.it('500 when a handler throws; the claim is released and the retry runs', async () => {
        const event = trigger({ failTimes: 1 });
        expectStatus(await deliver(event), 500, 'HANDLER_FAILED');
        expectStatus(await deliver(event), 200);
        check((await runsOf(event.id)).length === 2, 'handler ran twice');
      });

      t.it(
        '503 with Retry-After at handlerTimeoutMs; copies are 409 until it settles',
        async () => {
          const event = trigger({ sleepMs: CONFORMANCE_OPTIONS.handlerTimeoutMs + 700 });
          const started = Date.now();
          const first = await deliver(event);
          expectStatus(first, 503, 'HANDLER_TIMEOUT');
          check(first.headers.get('retry-after') !== null, 'Retry-After on 503');
          check(
            Date.now() - started < CONFORMANCE_OPTIONS.handlerTimeoutMs + 600,
            'answered at the deadline',
          );
          expectStatus(await deliver(event), 409, 'DUPLICATE_IN_FLIGHT');
          await sleep(1200);
          const later = await deliver(event);
          expectStatus(later, 200);
          check(later.body.duplicate === true, 'processed late, then a duplicate');
          check((await runsOf(event.id)).length === 1, 'never ran twice');
        },
        10_000,
      );

      t.it(
        '500 concurrent copies run the handler once',
        async () => {
          const event = trigger({ sleepMs: 50 });
          const signed = await signWebhook({ payload: event, secret });
          const answers = await Promise.all(
            Array.from({ length: 500 }, () => post(signed.body, signed.headers)),
          );
          const statuses = new Set(answers.map((a) => a.status));
          check(
            [...statuses].every((s) => s === 200 || s === 409),
            `statuses ${[...statuses]}`,
          );
          check((await runsOf(event.id)).length === 1, 'handler ran once');
        },
        30_000,
      );

      t.it('a __proto__ key in the payload is data, not a prototype', async () => {
        const id = messageId();
        const body = `{"id":"${id}","type":"composio.trigger.message","timestamp":"${new Date().toISOString()}","metadata":{"log_id":"l","trigger_slug":"GITHUB_COMMIT_EVENT","trigger_id":"t","connected_account_id":"c","auth_config_id":"a","user_id":null},"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}`;
        const signed = await signWebhook({ payload: body, secret, id });
        expectStatus(await post(signed.body, signed.headers), 200);
      });

      t.describe('401: not provably from Composio, answered before the body is read', () => {
        const now = () => Math.floor(Date.now() / 1000);
        const cases: Array<
          [string, string, () => Promise<{ body: string; headers: Record<string, string> }>]
        > = [
          [
            'another secret',
            'INVALID_SIGNATURE',
            () => signWebhook({ payload: trigger(), secret: 'not-it' }),
          ],
          [
            'a body changed after signing',
            'INVALID_SIGNATURE',
            async () => {
              const s = await signWebhook({ payload: trigger(), secret });
              return { ...s, body: s.body.replace('conformance"', 'tampered"') };
            },
          ],
          [
            'a timestamp 400 s old',
            'TIMESTAMP_OUT_OF_TOLERANCE',
            () => signWebhook({ payload: trigger(), secret, timestamp: now() - 400 }),
          ],
          [
            'a timestamp 400 s ahead',
            'TIMESTAMP_OUT_OF_TOLERANCE',
            () => signWebhook({ payload: trigger(), secret, timestamp: now() + 400 }),
          ],
          [
            'a non-numeric timestamp',
            'INVALID_TIMESTAMP',
            async () => {
              const s = await signWebhook({ payload: trigger(), secret });
              return { ...s, headers: { ...s.headers, 'webhook-timestamp': '12e5' } };
            },
          ],
          [
            'no webhook-signature',
            'MISSING_HEADERS',
            async () => {
              const { 'webhook-signature': _, ...headers } = (
                await signWebhook({ payload: trigger(), secret })
              ).headers;
              return { body: '{}', headers };
            },
          ],
          [
            'no signature headers at all',
            'MISSING_HEADERS',
            async () => ({ body: JSON.stringify(trigger()), headers: {} }),
          ],
          [
            'a signature with no v1 entry',
            'INVALID_SIGNATURE',
            async () => {
              const s = await signWebhook({ payload: trigger(), secret });
              return { ...s, headers: { ...s.headers, 'webhook-signature': 'v2,abc' } };
            },
          ],
        ];
        for (const [name, code, prepare] of cases) {
          t.it(`${name} → 401 ${code}, echoing neither secret nor body`, async () => {
            const { body, headers } = await prepare();
            const sent = await post(body, headers);
            expectStatus(sent, 401, code);
            check(!sent.text.includes(secret) && !sent.text.includes('conformance"'), 'no echo');
            check(
              !sent.text.includes(headers['webhook-signature'] ?? '\u0000'),
              'no signature echo',
            );
          });
        }
      });

      t.describe('400: signature fine, body unusable', () => {
        const bodies: Array<[string, string | Uint8Array]> = [
          ['malformed JSON', '{"id": "msg_1", '],
          ['JSON that is not a Composio payload', '{"hello":"world"}'],
          ['an empty body', ''],
          ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
        ];
        for (const [name, body] of bodies) {
          // A platform that hands the body over as decoded text replaces bytes that are not
          // UTF-8 before the adapter sees them: the signature no longer matches (401).
          const lossy = target.textBody === true && typeof body !== 'string';
          t.it(
            lossy
              ? `${name} → 401 INVALID_SIGNATURE (the platform decoded them as text), never 200`
              : `${name} → 400 INVALID_PAYLOAD without echoing it`,
            async () => {
              const sent = await post(body, signBytes(body));
              if (lossy) expectStatus(sent, 401, 'INVALID_SIGNATURE');
              else expectStatus(sent, 400, 'INVALID_PAYLOAD');
              check(!sent.text.includes('hello'), 'no echo');
            },
          );
        }
      });

      t.it(
        '413 for a body over 1 MiB with Content-Length, and the connection is closed',
        async () => {
          const event = buildTriggerMessage({ data: { blob: 'x'.repeat(1024 * 1024 + 1) } });
          const signed = await signWebhook({ payload: event, secret });
          const sent = await post(signed.body, signed.headers);
          expectStatus(sent, 413, 'PAYLOAD_TOO_LARGE');
        },
      );

      const streamIt = target.bufferedBody ? () => {} : t.it;
      streamIt(
        '413 for a chunked body that streams past 1 MiB, without reading all of it',
        async () => {
          const signed = await signWebhook({ payload: trigger(), secret });
          const answer = await rawRequest(server.url, CONFORMANCE_PATHS.router, signed.headers, {
            chunked: true,
            chunks: 40,
            chunkBytes: 64 * 1024,
          });
          check(answer.startsWith('HTTP/1.1 413'), `answer ${answer.slice(0, 200)}`);
        },
      );

      streamIt(
        '408 for a body shorter than its Content-Length, within bodyTimeoutMs',
        async () => {
          const signed = await signWebhook({ payload: trigger(), secret });
          const started = Date.now();
          const answer = await rawRequest(server.url, CONFORMANCE_PATHS.router, signed.headers, {
            contentLength: 5000,
            chunks: 1,
            chunkBytes: 10,
          });
          check(answer.startsWith('HTTP/1.1 408'), `answer ${answer.slice(0, 200)}`);
          check(Date.now() - started < CONFORMANCE_OPTIONS.bodyTimeoutMs + 2000, 'bounded');
        },
        15_000,
      );

      t.it('400 for a charset other than UTF-8; UTF-8 declared is fine', async () => {
        const latin1 = await signWebhook({ payload: trigger(), secret });
        const refused = await post(latin1.body, {
          ...latin1.headers,
          'content-type': 'application/json; charset=iso-8859-1',
        });
        expectStatus(refused, 400, 'INVALID_PAYLOAD');
        const utf8 = await signWebhook({ payload: trigger(), secret });
        const sent = await post(utf8.body, {
          ...utf8.headers,
          'content-type': 'application/json; charset=UTF-8',
        });
        check(sent.status === 200, `UTF-8 declared: status ${sent.status}`);
      });

      t.it('415 for a compressed body (Content-Encoding: gzip)', async () => {
        const signed = await signWebhook({ payload: trigger(), secret });
        const sent = await post(signed.body, { ...signed.headers, 'content-encoding': 'gzip' });
        expectStatus(sent, 415, 'UNSUPPORTED_ENCODING');
      });

      t.it(
        target.kind !== 'middleware'
          ? 'GET is answered 405 with Allow: POST'
          : 'GET is passed on to the app, never to the handlers',
        async () => {
          const response = await fetch(url(CONFORMANCE_PATHS.router));
          await response.arrayBuffer();
          if (target.kind !== 'middleware') {
            check(response.status === 405, `status ${response.status}`);
            check(response.headers.get('allow') === 'POST', 'Allow: POST');
          } else {
            check(response.status === 404 || response.status === 405, `status ${response.status}`);
          }
        },
      );
    });

    if (target.verifyOnly !== false) {
      t.describe('verify-only mode: the route answers and its answer settles the delivery', () => {
        const path = CONFORMANCE_PATHS.verifyOnly;
        t.it(
          '2xx: processed; a copy is 200 duplicate and the route does not run again',
          async () => {
            const event = trigger({ answer: 202 });
            expectStatus(await deliver(event, path), 202);
            const copy = await deliver(event, path);
            expectStatus(copy, 200);
            check(copy.body.duplicate === true, `copy ${copy.text}`);
            check((await runsOf(event.id)).length === 1, 'route ran once');
          },
        );
        t.it('non-2xx: released, the retry runs the route again', async () => {
          const event = trigger({ answer: 503 });
          expectStatus(await deliver(event, path), 503);
          await sleep(50);
          expectStatus(await deliver(event, path), 503);
          check((await runsOf(event.id)).length === 2, 'route ran twice');
        });
        t.it('a route that throws: released, the retry runs the route again', async () => {
          const event = trigger({ failTimes: 1, answer: 200 });
          const failed = await deliver(event, path);
          check(failed.status >= 500, `status ${failed.status}`);
          await sleep(50);
          expectStatus(await deliver(event, path), 200);
          check((await runsOf(event.id)).length === 2, 'route ran twice');
        });
        t.it('refusals are the same as in router mode (401, 409)', async () => {
          const forged = await signWebhook({ payload: trigger(), secret: 'not-it' });
          expectStatus(await post(forged.body, forged.headers, path), 401, 'INVALID_SIGNATURE');
          const event = trigger({ sleepMs: 400 });
          const first = deliver(event, path);
          await sleep(150);
          expectStatus(await deliver(event, path), 409, 'DUPLICATE_IN_FLIGHT');
          expectStatus(await first, 200);
        });
      });
    }
  });
}

/** Signature headers over the exact bytes given (signWebhook signs text). */
function signBytes(body: string | Uint8Array): Record<string, string> {
  const id = messageId();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret)
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

/** Sends a request over a raw socket (bodies that lie about their length, endless chunks). */
function rawRequest(
  base: string,
  path: string,
  headers: Record<string, string>,
  body: { chunked?: boolean; contentLength?: number; chunks: number; chunkBytes: number },
): Promise<string> {
  const { hostname, port, pathname } = new URL(base);
  // The base URL may carry a prefix (an app mounted under `/api`): the request goes under it.
  const target = `${pathname.replace(/\/+$/, '')}${path}`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let answer = '';
    const head = [
      `POST ${target} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      'content-type: application/json',
      body.chunked ? 'transfer-encoding: chunked' : `content-length: ${body.contentLength}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      '',
      '',
    ].join('\r\n');
    socket.on('connect', async () => {
      socket.write(head);
      const chunk = '{'.padEnd(body.chunkBytes, ' ');
      for (let i = 0; i < body.chunks && !socket.destroyed && answer === ''; i++) {
        socket.write(body.chunked ? `${chunk.length.toString(16)}\r\n${chunk}\r\n` : chunk);
        await sleep(5);
      }
    });
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
    socket.setTimeout(20_000, () => {
      socket.destroy();
      reject(new Error('conformance: no answer within 20 s'));
    });
  });
}

/** Serves a Node request listener (an Express or Koa app's callback) on a free loopback port. */
export async function serveNode(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<ConformanceServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
