/**
 * The conformance suite's client side: how it talks to the app under test (fetch, and raw sockets
 * for bodies that lie about their length) and how it checks what came back.
 */
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import {
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  type ConformanceBehaviour,
  type ConformanceRun,
} from './conformance-app.js';
import { signWebhook } from './sign.js';
import { buildTriggerMessage, messageId } from './testing-events.js';

/** A running conformance app. */
export interface ConformanceServer {
  /** Base URL, e.g. `http://127.0.0.1:4123` or `http://127.0.0.1:4123/conformance` (the app serves `CONFORMANCE_PATHS` under it). */
  url: string;
  /** The handler runs so far; default: `GET <url>/__conformance/runs`. */
  runs?(): Promise<ConformanceRun[]>;
  close(): Promise<void>;
}

export const { secret } = CONFORMANCE_OPTIONS;

export interface Sent {
  status: number;
  headers: Headers;
  body: { ok?: boolean; id?: string; duplicate?: boolean; error?: { code?: string } } & Record<
    string,
    unknown
  >;
  text: string;
}

export function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`conformance: ${what}`);
}

export function expectStatus(sent: Sent, status: number, code?: string): void {
  check(
    sent.status === status,
    `expected ${status}${code ? ` ${code}` : ''}, got ${sent.status}: ${sent.text.slice(0, 300)}`,
  );
  if (code) check(sent.body.error?.code === code, `expected code ${code}, got ${sent.text}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A trigger message whose handler behaves as `behaviour` says. */
export function trigger(behaviour: ConformanceBehaviour = {}, id = messageId()) {
  return buildTriggerMessage({ id, data: { conformance: behaviour, note: 'conformance' } });
}

/** Requests to the app under test (started in the suite's `beforeAll`). */
export interface ConformanceClient {
  url(path: string): string;
  post(body: string | Uint8Array, headers: Record<string, string>, path?: string): Promise<Sent>;
  deliver(payload: unknown, path?: string, id?: string): Promise<Sent>;
  runsOf(id: string): Promise<ConformanceRun[]>;
  /** A request over a raw socket: the answer's head and whatever arrived of its body. */
  raw(path: string, headers: Record<string, string>, body: RawBody): Promise<string>;
}

export function conformanceClient(server: () => ConformanceServer): ConformanceClient {
  const client: ConformanceClient = {
    url: (path) => `${server().url}${path}`,
    async post(body, headers, path = CONFORMANCE_PATHS.router) {
      const response = await fetch(client.url(path), {
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
    },
    async deliver(payload, path, id) {
      const signed = await signWebhook({ payload, secret, ...(id && { id }) });
      return client.post(signed.body, signed.headers, path);
    },
    async runsOf(id) {
      const { runs } = server();
      const all = runs
        ? await runs()
        : ((await (await fetch(client.url(CONFORMANCE_PATHS.runs))).json()) as ConformanceRun[]);
      return all.filter((run) => run.id === id);
    },
    raw: (path, headers, body) => rawRequest(server().url, path, headers, body),
  };
  return client;
}

/** A body sent over a raw socket: chunked, or with a declared length it may not honour. */
export interface RawBody {
  chunked?: boolean;
  contentLength?: number;
  chunks: number;
  chunkBytes: number;
}

/** Signature headers over the exact bytes given (signWebhook signs text). */
export function signBytes(body: string | Uint8Array): Record<string, string> {
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
  body: RawBody,
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
