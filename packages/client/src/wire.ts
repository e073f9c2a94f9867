/**
 * The one place that knows the wire format: snake_case request bodies out, validated snake_case
 * responses in. Every response goes through a guard here before user code sees it, so an
 * unexpected shape is a `ComposioResponseError` that names the field, never an `undefined` deep
 * inside the caller.
 *
 * Unknown extra fields are ignored (Composio adds fields); missing or mistyped documented fields
 * are errors.
 */
import type {
  CreateSubscriptionInput,
  DeleteSubscriptionResult,
  EventTypeInfo,
  RotatedSecret,
  Subscription,
  SubscriptionPage,
  UpdateSubscriptionPatch,
} from './types.js';

/** Thrown by the guards; `http.ts` turns it into a `ComposioResponseError` with request context. */
export class ShapeError extends Error {
  constructor(
    readonly at: string,
    readonly expected: string,
  ) {
    super(`expected ${expected} at ${at}`);
    this.name = 'ShapeError';
  }
}

export interface WireSubscriptionBody {
  webhook_url?: string;
  enabled_events?: string[];
  version?: string;
}

export function toWireCreate(input: CreateSubscriptionInput): WireSubscriptionBody {
  const body: WireSubscriptionBody = {
    webhook_url: input.webhookUrl,
    enabled_events: [...input.enabledEvents],
  };
  if (input.version !== undefined) body.version = input.version;
  return body;
}

export function toWirePatch(patch: UpdateSubscriptionPatch): WireSubscriptionBody {
  const body: WireSubscriptionBody = {};
  if (patch.webhookUrl !== undefined) body.webhook_url = patch.webhookUrl;
  if (patch.enabledEvents !== undefined) body.enabled_events = [...patch.enabledEvents];
  if (patch.version !== undefined) body.version = patch.version;
  return body;
}

export function toWireListQuery(params: {
  limit?: number | undefined;
  cursor?: string | undefined;
}): Record<string, string> {
  const query: Record<string, string> = {};
  if (params.limit !== undefined) query.limit = String(params.limit);
  if (params.cursor !== undefined) query.cursor = params.cursor;
  return query;
}

// --- guards -------------------------------------------------------------------------------

export type Obj = Record<string, unknown>;

export function object(value: unknown, at: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(at, 'an object');
  }
  return value as Obj;
}

export function string(obj: Obj, key: string, at: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw new ShapeError(`${at}.${key}`, 'a string');
  return value;
}

function stringArray(obj: Obj, key: string, at: string): string[] {
  const value = obj[key];
  if (!Array.isArray(value)) throw new ShapeError(`${at}.${key}`, 'an array of strings');
  return value.map((item, i) => {
    if (typeof item !== 'string') throw new ShapeError(`${at}.${key}[${i}]`, 'a string');
    return item;
  });
}

export function count(obj: Obj, key: string, at: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ShapeError(`${at}.${key}`, 'a non-negative integer');
  }
  return value;
}

function stringOrNull(obj: Obj, key: string, at: string): string | null {
  const value = obj[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new ShapeError(`${at}.${key}`, 'a string or null');
  return value;
}

export function parseSubscription(value: unknown, at = '$'): Subscription {
  const obj = object(value, at);
  return {
    id: nonEmpty(obj, 'id', at),
    webhookUrl: string(obj, 'webhook_url', at),
    version: string(obj, 'version', at),
    enabledEvents: stringArray(obj, 'enabled_events', at),
    secret: nonEmpty(obj, 'secret', at),
    createdAt: string(obj, 'created_at', at),
    updatedAt: string(obj, 'updated_at', at),
  };
}

export function parseSubscriptionPage(value: unknown): SubscriptionPage {
  const obj = object(value, '$');
  const items = obj.items;
  if (!Array.isArray(items)) throw new ShapeError('$.items', 'an array of subscriptions');
  return {
    items: items.map((item, i) => parseSubscription(item, `$.items[${i}]`)),
    nextCursor: stringOrNull(obj, 'next_cursor', '$'),
    totalPages: count(obj, 'total_pages', '$'),
    currentPage: count(obj, 'current_page', '$'),
    totalItems: count(obj, 'total_items', '$'),
  };
}

export function parseDeleteResult(value: unknown): DeleteSubscriptionResult {
  const obj = object(value, '$');
  if (typeof obj.success !== 'boolean') throw new ShapeError('$.success', 'a boolean');
  return { success: obj.success };
}

export function parseRotatedSecret(value: unknown): RotatedSecret {
  const obj = object(value, '$');
  return { id: nonEmpty(obj, 'id', '$'), secret: nonEmpty(obj, 'secret', '$') };
}

export function parseEventTypes(value: unknown): EventTypeInfo[] {
  const obj = object(value, '$');
  const items = obj.items;
  if (!Array.isArray(items)) throw new ShapeError('$.items', 'an array of event types');
  return items.map((item, i) => {
    const at = `$.items[${i}]`;
    const entry = object(item, at);
    return {
      eventType: nonEmpty(entry, 'event_type', at),
      description: entry.description == null ? '' : string(entry, 'description', at),
      supportedVersions: stringArray(entry, 'supported_versions', at),
    };
  });
}

export function nonEmpty(obj: Obj, key: string, at: string): string {
  const value = string(obj, key, at);
  if (value === '') throw new ShapeError(`${at}.${key}`, 'a non-empty string');
  return value;
}

// --- error bodies -------------------------------------------------------------------------

export interface WireErrorInfo {
  code?: string | undefined;
  message?: string | undefined;
  requestId?: string | undefined;
  suggestedFix?: string | undefined;
}

/**
 * Reads the API's error body leniently: Composio answers `{ error: { message, code, slug,
 * request_id, suggested_fix } }`; a flat `{ message, code }` or `{ detail }` is read too. Anything
 * else yields an empty result (the HTTP status still says what happened).
 */
export function parseErrorBody(body: unknown): WireErrorInfo {
  if (typeof body !== 'object' || body === null) return {};
  const outer = body as Obj;
  const inner =
    typeof outer.error === 'object' && outer.error !== null ? (outer.error as Obj) : outer;
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : undefined;
  const code =
    text(inner.slug) ??
    text(inner.code) ??
    (typeof inner.code === 'number' ? String(inner.code) : undefined) ??
    text(inner.error_code);
  return {
    code,
    message:
      text(inner.message) ??
      text(inner.detail) ??
      (typeof outer.error === 'string' ? outer.error : undefined),
    requestId: text(inner.request_id) ?? text(outer.request_id),
    suggestedFix: text(inner.suggested_fix),
  };
}
