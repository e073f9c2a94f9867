/**
 * State and routes of the fake Webhook Subscriptions API (see `fake-api.ts` for the HTTP side):
 * one list of subscriptions per project (API key), the documented validation, 404 and 409.
 */
import { randomBytes } from 'node:crypto';

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

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    message: string,
  ) {
    super(message);
  }
}

const COLLECTION = '/webhook_subscriptions';

export class FakeStore {
  private readonly projects = new Map<string, FakeWireSubscription[]>();
  private idCounter = 0;

  constructor(private readonly defaultLimit: number) {}

  project(key: string): FakeWireSubscription[] {
    let list = this.projects.get(key);
    if (!list) {
      list = [];
      this.projects.set(key, list);
    }
    return list;
  }

  create(fields: Partial<FakeWireSubscription>): FakeWireSubscription {
    const now = new Date(Date.now() + this.idCounter).toISOString();
    this.idCounter++;
    return {
      id: `whs_${String(this.idCounter).padStart(4, '0')}${randomBytes(4).toString('hex')}`,
      webhook_url: 'https://example.com/webhooks/composio',
      version: 'V3',
      enabled_events: ['composio.trigger.message'],
      secret: newSecret(),
      created_at: now,
      updated_at: now,
      ...fields,
    };
  }

  seed(key: string, count: number): FakeWireSubscription[] {
    const added = Array.from({ length: count }, (_, i) =>
      this.create({ webhook_url: `https://example.com/hooks/${i + 1}` }),
    );
    this.project(key).push(...added);
    return added;
  }

  reset(): void {
    this.projects.clear();
  }

  /** Answers an authenticated request; throws `HttpFailure` for API errors. */
  route(
    method: string,
    path: string,
    query: Record<string, string>,
    key: string,
    body: unknown,
  ): Answer {
    const list = this.project(key);
    if (path === COLLECTION && method === 'GET')
      return { status: 200, body: listPage(list, query, this.defaultLimit) };
    if (path === COLLECTION && method === 'POST') {
      const fields = validateFields(body, true);
      if (list.length > 0) {
        throw new HttpFailure(
          409,
          'WebhookSubscription_AlreadyExists',
          'A webhook subscription already exists for this project.',
        );
      }
      const created = this.create({ ...fields, version: fields.version ?? 'V3' });
      list.push(created);
      return { status: 201, body: created };
    }
    if (path === `${COLLECTION}/event_types` && method === 'GET') {
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
