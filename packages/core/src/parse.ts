/**
 * Turns a verified body into a typed, validated V3 event. Runs only after the signature holds.
 * Detects the payload version from its shape, normalizes V1/V2 trigger payloads into the V3
 * `composio.trigger.message` envelope and validates known event types.
 */
import { message, WebhookPayloadError } from './errors.js';
import {
  type ComposioEvent,
  ComposioEventType,
  type ConnectionExpiredEvent,
  type PayloadVersion,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
} from './events.js';

type Json = Record<string, unknown>;

export interface ParsedPayload {
  version: PayloadVersion;
  event: ComposioEvent;
  raw: unknown;
}

export interface ParseContext {
  /** `webhook-id`: the id of V1/V2 events, which carry none in the body. */
  id: string;
  /** `webhook-timestamp` in Unix seconds: the time of V1 events, which carry none. */
  timestamp: number;
}

// `ignoreBOM: false`: the decoder drops a leading UTF-8 BOM, as JSON readers must (RFC 8259 §8.1).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The text of a verified body, for JSON parsing. A leading BOM is not JSON: it is dropped from
 * bytes and from a string alike (the signature was checked over the body as sent, BOM included).
 */
export function decodeBody(body: string | Uint8Array): string {
  if (typeof body === 'string') return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    return decoder.decode(body);
  } catch (cause) {
    throw new WebhookPayloadError(message('The body is not valid UTF-8 JSON.'), { cause });
  }
}

export function parsePayload(body: string | Uint8Array, context: ParseContext): ParsedPayload {
  const text = decodeBody(body);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // No `cause`: V8's JSON.parse message quotes a piece of the body, which must not reach logs.
    throw new WebhookPayloadError(
      message('The body is not valid JSON. Composio always sends a JSON object.'),
    );
  }
  return normalizePayload(raw, context);
}

/** Detects the version of an already-parsed body and returns the V3-shaped, validated event. */
export function normalizePayload(raw: unknown, context: ParseContext): ParsedPayload {
  if (!isObject(raw)) {
    throw invalid('The body is JSON but not an object, so it is not a Composio payload.');
  }
  const type = raw.type;
  if (typeof type === 'string' && type.startsWith('composio.')) {
    return { version: 'V3', event: validateV3(raw, type), raw };
  }
  if (typeof type === 'string' && isObject(raw.data)) {
    return { version: 'V2', event: fromV2(raw, type, raw.data, context), raw };
  }
  if (typeof raw.trigger_name === 'string' && 'payload' in raw) {
    return { version: 'V1', event: fromV1(raw, context), raw };
  }
  throw invalid(
    'The body is not a Composio payload: expected a V3 envelope ({ id, type: "composio.*", metadata, data }), a V2 ({ type, data }) or a V1 ({ trigger_name, payload }) trigger payload.',
  );
}

/** The shape check of a trigger message with plain property reads (the hot path). */
function isTriggerMessageShape(raw: Json): boolean {
  const metadata = raw.metadata;
  if (
    typeof raw.id !== 'string' ||
    (raw.timestamp !== undefined && typeof raw.timestamp !== 'string') ||
    !isObject(metadata) ||
    !isObject(raw.data)
  ) {
    return false;
  }
  const { user_id } = metadata;
  return (
    typeof metadata.trigger_slug === 'string' &&
    typeof metadata.trigger_id === 'string' &&
    typeof metadata.connected_account_id === 'string' &&
    typeof metadata.log_id === 'string' &&
    typeof metadata.auth_config_id === 'string' &&
    (user_id === undefined || user_id === null || typeof user_id === 'string')
  );
}

function validateV3(raw: Json, type: string): ComposioEvent {
  // Well-formed trigger messages (nearly all traffic) skip the validator, which only exists to
  // name every problem of a malformed payload.
  if (type === ComposioEventType.TriggerMessage && isTriggerMessageShape(raw)) {
    return raw as TriggerMessageEvent;
  }
  const v = new Validator(type);
  v.string(raw, 'id');
  v.optionalString(raw, 'timestamp');
  switch (type) {
    case ComposioEventType.TriggerMessage: {
      const metadata = v.object(raw, 'metadata');
      v.string(metadata, 'trigger_slug', 'metadata');
      v.string(metadata, 'trigger_id', 'metadata');
      v.string(metadata, 'connected_account_id', 'metadata');
      // Required by Composio's OpenAPI description, as the types say.
      v.string(metadata, 'log_id', 'metadata');
      v.string(metadata, 'auth_config_id', 'metadata');
      v.nullableString(metadata, 'user_id', 'metadata');
      v.object(raw, 'data');
      v.done();
      return raw as TriggerMessageEvent;
    }
    case ComposioEventType.ConnectionExpired: {
      const metadata = v.object(raw, 'metadata');
      v.optionalString(metadata, 'project_id', 'metadata');
      v.optionalString(metadata, 'org_id', 'metadata');
      const data = v.object(raw, 'data');
      v.string(data, 'id', 'data');
      v.string(v.object(data, 'toolkit', 'data'), 'slug', 'data.toolkit');
      v.string(data, 'status', 'data');
      v.nullableString(data, 'status_reason', 'data');
      v.optionalObject(data, 'auth_config', 'data');
      v.optionalObject(data, 'state', 'data');
      if (isObject(data.state)) {
        // The connection state, one variant per auth scheme: `{ authScheme, val }`, both required.
        v.string(data.state, 'authScheme', 'data.state');
        v.object(data.state, 'val', 'data.state');
      }
      v.done();
      return raw as ConnectionExpiredEvent;
    }
    case ComposioEventType.TriggerDisabled: {
      const metadata = v.object(raw, 'metadata');
      v.optionalString(metadata, 'project_id', 'metadata');
      const data = v.object(raw, 'data');
      v.string(data, 'id', 'data');
      v.string(data, 'connected_account_id', 'data');
      v.string(data, 'trigger_name', 'data');
      v.nullableString(data, 'user_id', 'data');
      v.optionalObject(data, 'trigger_config', 'data');
      v.optionalString(data, 'disabled_at', 'data');
      v.optionalString(data, 'disabled_reason', 'data');
      v.done();
      return raw as TriggerDisabledEvent;
    }
    default:
      // An event type this version does not know yet: never an error.
      if ('metadata' in raw) v.optionalObject(raw, 'metadata');
      v.done();
      return raw as UnknownComposioEvent;
  }
}

/** Bookkeeping fields of a V2 `data` object; the rest is the trigger's own payload. */
const V2_METADATA_KEYS = new Set([
  'connection_id',
  'connection_nano_id',
  'trigger_nano_id',
  'trigger_id',
  'user_id',
]);

function fromV2(raw: Json, type: string, data: Json, context: ParseContext): TriggerMessageEvent {
  const triggerData: Json = {};
  for (const key of Object.keys(data)) {
    if (!V2_METADATA_KEYS.has(key)) setOwn(triggerData, key, data[key]);
  }
  const v = new Validator(`V2 ${type}`);
  const triggerId = firstString(data.trigger_nano_id, data.trigger_id);
  const accountId = firstString(data.connection_nano_id, data.connection_id);
  if (triggerId === undefined) v.fail('data.trigger_nano_id or data.trigger_id must be a string');
  if (accountId === undefined)
    v.fail('data.connection_nano_id or data.connection_id must be a string');
  v.nullableString(data, 'user_id', 'data');
  v.optionalString(raw, 'log_id');
  v.optionalString(raw, 'timestamp');
  v.done();
  return {
    id: context.id,
    type: ComposioEventType.TriggerMessage,
    timestamp: typeof raw.timestamp === 'string' ? raw.timestamp : isoOf(context.timestamp),
    metadata: {
      log_id: typeof raw.log_id === 'string' ? raw.log_id : '',
      trigger_slug: type.toUpperCase(),
      trigger_id: triggerId as string,
      connected_account_id: accountId as string,
      auth_config_id: '',
      user_id: typeof data.user_id === 'string' ? data.user_id : null,
    },
    data: triggerData,
  };
}

function fromV1(raw: Json, context: ParseContext): TriggerMessageEvent {
  const v = new Validator(`V1 ${String(raw.trigger_name)}`);
  v.string(raw, 'connection_id');
  v.string(raw, 'trigger_id');
  v.optionalString(raw, 'log_id');
  const payload = v.object(raw, 'payload');
  v.done();
  return {
    id: context.id,
    type: ComposioEventType.TriggerMessage,
    timestamp: isoOf(context.timestamp),
    metadata: {
      log_id: typeof raw.log_id === 'string' ? raw.log_id : '',
      // Upper-cased like a V2 `type`: slugs are upper case everywhere else (`raw` keeps it as sent).
      trigger_slug: (raw.trigger_name as string).toUpperCase(),
      trigger_id: raw.trigger_id as string,
      connected_account_id: raw.connection_id as string,
      auth_config_id: '',
      user_id: null,
    },
    data: payload,
  };
}

/** Collects every problem of a payload, then throws one error that names them all. */
class Validator {
  private readonly problems: string[] = [];
  constructor(private readonly what: string) {}

  fail(problem: string): void {
    this.problems.push(problem);
  }

  string(obj: Json, key: string, at?: string): void {
    if (typeof obj[key] !== 'string') this.fail(`${path(at, key)} must be a string`);
  }

  optionalString(obj: Json, key: string, at?: string): void {
    const value = obj[key];
    if (value !== undefined && typeof value !== 'string')
      this.fail(`${path(at, key)} must be a string`);
  }

  nullableString(obj: Json, key: string, at?: string): void {
    const value = obj[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      this.fail(`${path(at, key)} must be a string or null`);
    }
  }

  object(obj: Json, key: string, at?: string): Json {
    const value = obj[key];
    if (isObject(value)) return value;
    this.fail(`${path(at, key)} must be an object`);
    return {};
  }

  optionalObject(obj: Json, key: string, at?: string): void {
    const value = obj[key];
    if (value !== undefined && !isObject(value)) this.fail(`${path(at, key)} must be an object`);
  }

  done(): void {
    if (this.problems.length > 0) {
      throw invalid(`The ${this.what} payload is malformed: ${this.problems.join('; ')}.`);
    }
  }
}

/**
 * `target[key] = value` that always creates an own data property: plain assignment of a
 * `__proto__` key (which JSON.parse keeps as an ordinary key) would swap the prototype instead.
 */
function setOwn(target: Json, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

function path(at: string | undefined, key: string): string {
  return at === undefined ? key : `${at}.${key}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string') return value;
  return undefined;
}

function isoOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

function invalid(text: string): WebhookPayloadError {
  return new WebhookPayloadError(message(text));
}
