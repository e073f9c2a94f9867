/**
 * A local, in-process fake of Composio's Webhook Subscriptions API (node:http on a free port),
 * as documented: `x-api-key` auth (each key is its own project), one subscription per project
 * (409), cursor pagination, 404, secret rotation, event types. Faults can be queued to rehearse
 * 429 + retry-after, 5xx, slow answers, dropped connections and malformed bodies.
 *
 * For tests of code that provisions subscriptions, with this client or the CLI.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSubscriptionsApiOptions {
  /** Accepted API keys; each one is a separate project. Default `['test-api-key']`. */
  apiKeys?: string[];
  /** Path prefix of the API. Default `/api/v3.1`. */
  basePath?: string;
  /** Page size of `GET /webhook_subscriptions` when no `limit` is given. Default 10. */
  defaultLimit?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
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
  /** Path after the base path, e.g. `/webhook_subscriptions/whs_1`. */
  path: string;
  query: Record<string, string>;
  /** The `x-api-key` sent, if any. */
  apiKey: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The status answered (set when the answer is sent). */
  status?: number;
}

/** A subscription as stored and sent on the wire (snake_case). */
export interface FakeWireSubscription {
  id: string;
  webhook_url: string;
  version: string;
  enabled_events: string[];
  secret: string;
  created_at: string;
  updated_at: string;
}

export interface FakeSubscriptionsApi {
  /** Base URL to give the client: origin + base path, e.g. `http://127.0.0.1:41234/api/v3.1`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queue a fault; faults apply in the order queued. */
  fault(fault: FakeFault): void;
  /** The project's stored subscriptions (live objects). */
  subscriptions(apiKey?: string): FakeWireSubscription[];
  /** Adds `count` subscriptions directly, bypassing the one-per-project rule (for pagination). */
  seed(apiKey: string, count: number): FakeWireSubscription[];
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_EVENT_TYPES = Object.freeze([
  {
    event_type: 'composio.trigger.message',
    description: 'A trigger fired.',
    supported_versions: ['V1', 'V2', 'V3'],
  },
  {
    event_type: 'composio.connected_account.expired',
    description: 'A connected account expired and needs re-authentication.',
    supported_versions: ['V3'],
  },
  {
    event_type: 'composio.trigger.disabled',
    description: 'A trigger was disabled.',
    supported_versions: ['V3'],
  },
]);

const VERSIONS = ['V1', 'V2', 'V3'];

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    message: string,
  ) {
    super(message);
  }
}

export async function createFakeSubscriptionsApi(
  options: FakeSubscriptionsApiOptions = {},
): Promise<FakeSubscriptionsApi> {
  const apiKeys = new Set(options.apiKeys ?? ['test-api-key']);
  const basePath = (options.basePath ?? '/api/v3.1').replace(/\/+$/, '');
  const defaultLimit = options.defaultLimit ?? 10;
  const projects = new Map<string, FakeWireSubscription[]>();
  const faults: Array<FakeFault & { remaining: number }> = [];
  const requests: RecordedRequest[] = [];
  let requestCounter = 0;
  let idCounter = 0;

  const project = (key: string) => {
    let list = projects.get(key);
    if (!list) {
      list = [];
      projects.set(key, list);
    }
    return list;
  };
  const newSubscription = (fields: Partial<FakeWireSubscription>): FakeWireSubscription => {
    const now = new Date(Date.now() + idCounter).toISOString();
    idCounter++;
    return {
      id: `whs_${String(idCounter).padStart(4, '0')}${randomBytes(4).toString('hex')}`,
      webhook_url: 'https://example.com/webhooks/composio',
      version: 'V3',
      enabled_events: ['composio.trigger.message'],
      secret: newSecret(),
      created_at: now,
      updated_at: now,
      ...fields,
    };
  };

  function route(
    method: string,
    path: string,
    query: Record<string, string>,
    key: string,
    body: unknown,
  ): Answer {
    const list = project(key);
    const collection = '/webhook_subscriptions';
    if (path === collection && method === 'GET')
      return { status: 200, body: listPage(list, query, defaultLimit) };
    if (path === collection && method === 'POST') {
      const fields = validateFields(body, true);
      if (list.length > 0) {
        throw new HttpFailure(
          409,
          'WebhookSubscription_AlreadyExists',
          'A webhook subscription already exists for this project.',
        );
      }
      const created = newSubscription({ ...fields, version: fields.version ?? 'V3' });
      list.push(created);
      return { status: 201, body: created };
    }
    if (path === `${collection}/event_types` && method === 'GET') {
      return { status: 200, body: { items: FAKE_EVENT_TYPES } };
    }
    const match = /^\/webhook_subscriptions\/([^/]+)(\/rotate_secret)?$/.exec(path);
    if (match?.[1]) {
      const id = decodeURIComponent(match[1]);
      const index = list.findIndex((s) => s.id === id);
      const found = list[index];
      const allowed = match[2] ? ['POST'] : ['GET', 'PATCH', 'DELETE'];
      if (!allowed.includes(method))
        throw new HttpFailure(405, 'MethodNotAllowed', `${method} not allowed.`);
      if (!found)
        throw new HttpFailure(
          404,
          'WebhookSubscription_NotFound',
          `Webhook subscription ${id} not found.`,
        );
      if (match[2]) {
        found.secret = newSecret();
        found.updated_at = new Date().toISOString();
        return { status: 200, body: { id: found.id, secret: found.secret } };
      }
      if (method === 'GET') return { status: 200, body: found };
      if (method === 'DELETE') {
        list.splice(index, 1);
        return { status: 200, body: { success: true } };
      }
      Object.assign(found, validateFields(body, false), { updated_at: new Date().toISOString() });
      return { status: 200, body: found };
    }
    throw new HttpFailure(404, 'NotFound', `No route for ${method} ${path}.`);
  }

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
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname,
      query: Object.fromEntries(url.searchParams),
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
    if (!url.pathname.startsWith(`${basePath}/`)) {
      answer = errorAnswer(404, 'NotFound', `No route for ${record.method} ${url.pathname}.`);
    } else if (record.apiKey === undefined || !apiKeys.has(record.apiKey)) {
      answer = errorAnswer(
        401,
        'Unauthorized',
        record.apiKey === undefined ? 'Missing x-api-key header.' : 'Invalid API key.',
      );
    } else {
      try {
        answer = route(record.method, record.path, record.query, record.apiKey, body);
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
    url: `http://${host}:${address.port}${basePath}`,
    requests,
    fault(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    subscriptions(apiKey = [...apiKeys][0] ?? '') {
      return project(apiKey);
    },
    seed(apiKey, count) {
      const added = Array.from({ length: count }, (_, i) =>
        newSubscription({ webhook_url: `https://example.com/hooks/${i + 1}` }),
      );
      project(apiKey).push(...added);
      return added;
    },
    reset() {
      projects.clear();
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

function listPage(
  list: FakeWireSubscription[],
  query: Record<string, string>,
  defaultLimit: number,
) {
  const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new HttpFailure(400, 'ValidationError', 'limit must be an integer between 1 and 100.');
  }
  let offset = 0;
  if (query.cursor !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    if (!decoded?.[1]) throw new HttpFailure(400, 'ValidationError', 'Invalid cursor.');
    offset = Number(decoded[1]);
  }
  const items = list.slice(offset, offset + limit);
  const next =
    offset + limit < list.length ? Buffer.from(`o${offset + limit}`).toString('base64url') : null;
  return {
    items,
    next_cursor: next,
    total_pages: Math.max(1, Math.ceil(list.length / limit)),
    current_page: Math.floor(offset / limit) + 1,
    total_items: list.length,
  };
}

function validateFields(body: unknown, creating: boolean): Partial<FakeWireSubscription> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpFailure(400, 'ValidationError', 'The body must be a JSON object.');
  }
  const input = body as Record<string, unknown>;
  const out: Partial<FakeWireSubscription> = {};
  if (input.webhook_url !== undefined || creating) {
    if (typeof input.webhook_url !== 'string' || !/^https?:\/\/[^\s]+$/.test(input.webhook_url)) {
      throw new HttpFailure(400, 'ValidationError', 'webhook_url must be an http(s) URL.');
    }
    out.webhook_url = input.webhook_url;
  }
  if (input.enabled_events !== undefined || creating) {
    const known = FAKE_EVENT_TYPES.map((t) => t.event_type);
    const events = input.enabled_events;
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => known.includes(e))) {
      throw new HttpFailure(
        400,
        'ValidationError',
        `enabled_events must be a non-empty subset of ${known.join(', ')}.`,
      );
    }
    out.enabled_events = [...events];
  }
  if (input.version !== undefined) {
    if (typeof input.version !== 'string' || !VERSIONS.includes(input.version)) {
      throw new HttpFailure(400, 'ValidationError', 'version must be V1, V2 or V3.');
    }
    out.version = input.version;
  }
  if (!creating && Object.keys(out).length === 0) {
    throw new HttpFailure(400, 'ValidationError', 'Nothing to update.');
  }
  return out;
}

function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
