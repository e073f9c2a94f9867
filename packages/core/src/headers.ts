/**
 * Reads the delivery headers from a fetch `Headers` object or a Node header record (any case).
 *
 * A value is taken as sent (surrounding whitespace aside): a `webhook-id` is opaque, so a comma is
 * part of it (Standard Webhooks, Composio's SDK). Repeated headers are handled deliberately:
 * - copies kept apart (array values: Node's `req.headersDistinct`, hand-built records) and copies
 *   joined the way Node's `req.headers` and fetch `Headers` join them — a comma followed by a
 *   space — must all carry the same id or timestamp; different copies are `MISSING_HEADERS`
 *   (so an id that itself contains ", " cannot be told from two ids, and is refused);
 * - signatures from every copy are combined.
 */

export type HeaderRecord = Record<string, string | string[] | number | undefined>;
/** Structural `Headers` (fetch API), so any implementation (undici, node-fetch, edge runtimes) fits. */
export interface HeadersLike {
  get(name: string): string | null;
}
export type WebhookHeaders = HeadersLike | HeaderRecord;

export const HEADER_ID = 'webhook-id';
export const HEADER_TIMESTAMP = 'webhook-timestamp';
export const HEADER_SIGNATURE = 'webhook-signature';
export const HEADER_VERSION = 'x-composio-webhook-version';
export const HEADER_ATTEMPT = 'x-composio-delivery-attempt';

function isHeadersLike(headers: WebhookHeaders): headers is HeadersLike {
  return typeof (headers as HeadersLike).get === 'function';
}

/** The value of one header as stored: a string, a list (Node records), or `undefined`. */
function rawHeader(headers: WebhookHeaders, name: string): string | string[] | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  if (isHeadersLike(headers)) return headers.get(name) ?? undefined;
  let value = headers[name];
  if (value === undefined) {
    // Node lower-cases incoming names; user-built records may not.
    for (const key in headers) {
      if (key.length === name.length && key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined || Array.isArray(value)) return value;
  return typeof value === 'string' ? value : String(value);
}

/**
 * What Node's `req.headers` and fetch `Headers` put between the copies of a repeated header: a
 * comma followed by whitespace. A bare comma is part of the value.
 */
const JOINED_COPIES = /,[ \t]+/;

/** All values of one header, or an empty list. */
export function headerValues(headers: WebhookHeaders, name: string): string[] {
  const value = rawHeader(headers, name);
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [value];
}

/**
 * A single-valued header. Returns `undefined` when absent or empty, and `null` when copies
 * disagree (two different ids in one request cannot both be right).
 */
export function singleHeader(headers: WebhookHeaders, name: string): string | null | undefined {
  const raw = rawHeader(headers, name);
  if (typeof raw === 'string' && !raw.includes(',')) {
    // The common case: one copy, no list.
    const value = raw.trim();
    return value === '' ? undefined : value;
  }
  let found: string | undefined;
  for (const item of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
    if (typeof item !== 'string') continue;
    for (const part of item.split(JOINED_COPIES)) {
      const value = part.trim();
      if (value === '') continue;
      if (found === undefined) found = value;
      else if (found !== value) return null;
    }
  }
  return found;
}

/** Every space-separated entry of every `webhook-signature` header copy. */
export function signatureEntries(headers: WebhookHeaders): string[] {
  const raw = rawHeader(headers, HEADER_SIGNATURE);
  if (typeof raw === 'string' && !raw.includes(' ')) {
    // The common case: a single `v1,<base64>` entry.
    const entry = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    return entry === '' ? [] : [entry.trim()];
  }
  const entries: string[] = [];
  for (const item of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
    if (typeof item !== 'string') continue;
    // Entries are space-separated; fetch `Headers` joins repeated headers with ", ".
    for (const part of item.split(' ')) {
      const entry = part.endsWith(',') ? part.slice(0, -1) : part;
      if (entry !== '') entries.push(entry.trim());
    }
  }
  return entries;
}
