/**
 * A local, in-process fake of Composio's Webhook Subscriptions API (node:http on a free port),
 * as documented: `x-api-key` auth (each key is its own project), one subscription per project
 * (409), cursor pagination, 404, secret rotation, event types — and the trigger types API
 * (`/triggers_types`, see `fake-trigger-types.ts`). Faults can be queued to rehearse
 * 429 + retry-after, 5xx, slow answers, dropped connections and malformed bodies.
 *
 * For tests of code that provisions subscriptions, with this client or the CLI.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Answer, FakeStore, type FakeWireSubscription, HttpFailure } from './fake-store.js';
import { FakeTriggerTypes, type FakeWireTriggerType } from './fake-trigger-types.js';

export { FAKE_EVENT_TYPES, type FakeWireSubscription } from './fake-store.js';

/** Composio serves its resources under both version paths. */
const DEFAULT_API_PATHS = ['/api/v3.1', '/api/v3'];

export type { FakeWireTriggerType } from './fake-trigger-types.js';

export interface FakeSubscriptionsApiOptions {
  /** Accepted API keys; each one is a separate project. Default `['test-api-key']`. */
  apiKeys?: string[];
  /**
   * The API version paths served, each with every resource, as Composio does. Default
   * `['/api/v3.1', '/api/v3']`. `RecordedRequest.apiPath` says which one a request used.
   */
  apiPaths?: readonly string[];
  /** @deprecated Use `apiPaths: [basePath]`. */
  basePath?: string;
  /** Page size of `GET /webhook_subscriptions` when no `limit` is given. Default 10. */
  defaultLimit?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /**
   * Trigger types served by `GET /triggers_types` (as the API sends them, e.g. the `items` of a
   * saved answer). `reset()` goes back to these. Default none.
   */
  triggerTypes?: readonly FakeWireTriggerType[];
  /** Page size of `GET /triggers_types` when no `limit` is given. Default 20. */
  triggerTypesDefaultLimit?: number;
}

export interface FakeFault {
  /** Only requests with this method. */
  method?: string;
  /** Only requests whose path (after the base path) equals this string or matches this RegExp. */
  path?: string | RegExp;
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  /** Status to answer with. Default 500. */
  status?: number;
  headers?: Record<string, string>;
  /** JSON value, or a string sent as-is. Default: a Composio-style error body. */
  body?: unknown;
  /** Perform the real operation first, then answer with the fault (the lost-answer case). */
  afterEffect?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the connection without any answer. */
  dropConnection?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** The API version path the request used (`/api/v3.1`, `/api/v3`); `undefined` for none. */
  apiPath: string | undefined;
  /** Path after the API version path, e.g. `/webhook_subscriptions/whs_1`. */
  path: string;
  query: Record<string, string>;
  /** The raw query string without `?` (repeated keys such as `toolkit_slugs` stay visible). */
  search: string;
  /** The `x-api-key` sent, if any. */
  apiKey: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The status answered (set when the answer is sent). */
  status?: number;
}

export interface FakeSubscriptionsApi {
  /**
   * The origin to give the client as `baseUrl` (or `COMPOSIO_BASE_URL`), e.g.
   * `http://127.0.0.1:41234`: requests go to `${url}/api/v3.1/…` and `${url}/api/v3/…`.
   */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queue a fault; faults apply in the order queued. */
  fault(fault: FakeFault): void;
  /** The project's stored subscriptions (live objects). */
  subscriptions(apiKey?: string): FakeWireSubscription[];
  /** Adds `count` subscriptions directly, bypassing the one-per-project rule (for pagination). */
  seed(apiKey: string, count: number): FakeWireSubscription[];
  /** Adds trigger types (until `reset()`), e.g. another version of one. */
  addTriggerTypes(items: readonly FakeWireTriggerType[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function createFakeSubscriptionsApi(
  options: FakeSubscriptionsApiOptions = {},
): Promise<FakeSubscriptionsApi> {
  const apiKeys = new Set(options.apiKeys ?? ['test-api-key']);
  const apiPaths = (
    options.apiPaths ?? (options.basePath === undefined ? DEFAULT_API_PATHS : [options.basePath])
  ).map((path) => path.replace(/\/+$/, ''));
  const defaultLimit = options.defaultLimit ?? 10;
  const store = new FakeStore(defaultLimit);
  const triggerTypes = new FakeTriggerTypes(
    options.triggerTypes ?? [],
    options.triggerTypesDefaultLimit ?? 20,
  );
  const faults: Array<FakeFault & { remaining: number }> = [];
  const requests: RecordedRequest[] = [];
  let requestCounter = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = `req_${++requestCounter}`;
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const header = req.headers['x-api-key'];
    const apiPath = apiPaths.find((path) => url.pathname.startsWith(`${path}/`));
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      apiPath,
      path: apiPath === undefined ? url.pathname : url.pathname.slice(apiPath.length),
      query: Object.fromEntries(url.searchParams),
      search: url.search.slice(1),
      apiKey: typeof header === 'string' ? header : undefined,
      headers: { ...req.headers },
      body,
    };
    requests.push(record);
    const send = (answer: Answer) => {
      record.status = answer.status;
      const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...answer.headers,
      });
      res.end(payload);
    };
    const errorAnswer = (status: number, slug: string, message: string): Answer => ({
      status,
      body: { error: { message, code: status * 10, slug, status, request_id: requestId } },
    });

    const fault = takeFault(faults, record.method, record.path);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.dropConnection) {
      req.socket.destroy();
      return;
    }
    const faultAnswer = (): Answer => {
      const status = fault?.status ?? 500;
      const answer =
        fault?.body !== undefined
          ? { status, body: fault.body }
          : errorAnswer(
              status,
              status === 429 ? 'RateLimited' : 'InternalServerError',
              'Injected fault.',
            );
      return fault?.headers ? { ...answer, headers: fault.headers } : answer;
    };
    if (fault && !fault.afterEffect) return send(faultAnswer());

    let answer: Answer;
    if (apiPath === undefined) {
      answer = errorAnswer(404, 'NotFound', `No route for ${record.method} ${url.pathname}.`);
    } else if (record.apiKey === undefined || !apiKeys.has(record.apiKey)) {
      answer = errorAnswer(
        401,
        'Unauthorized',
        record.apiKey === undefined ? 'Missing x-api-key header.' : 'Invalid API key.',
      );
    } else {
      try {
        answer = record.path.startsWith('/triggers_types')
          ? triggerTypes.route(record.method, record.path, url)
          : store.route(record.method, record.path, record.query, record.apiKey, body);
      } catch (error) {
        if (!(error instanceof HttpFailure)) throw error;
        answer = errorAnswer(error.status, error.slug, error.message);
      }
    }
    send(fault ? faultAnswer() : answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    requests,
    fault(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    subscriptions(apiKey = [...apiKeys][0] ?? '') {
      return store.project(apiKey);
    },
    seed(apiKey, count) {
      return store.seed(apiKey, count);
    },
    addTriggerTypes(items) {
      triggerTypes.add(items);
    },
    reset() {
      store.reset();
      triggerTypes.reset();
      faults.length = 0;
      requests.length = 0;
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function takeFault(
  faults: Array<FakeFault & { remaining: number }>,
  method: string,
  path: string,
): FakeFault | undefined {
  const index = faults.findIndex(
    (f) =>
      (f.method === undefined || f.method.toUpperCase() === method) &&
      (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))),
  );
  const fault = faults[index];
  if (!fault) return undefined;
  fault.remaining--;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
