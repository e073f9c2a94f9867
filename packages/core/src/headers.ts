/**
 * Reads the delivery headers from a fetch `Headers` object or a Node header record (any case).
 * Repeated headers (array values, or comma-joined by a proxy) are handled deliberately:
 * signatures from every copy are combined; an id or timestamp is accepted only when every copy
 * carries the same value.
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

/** All values of one header, or an empty list. */
export function headerValues(headers: WebhookHeaders, name: string): string[] {
  if (headers === null || typeof headers !== 'object') return [];
  if (isHeadersLike(headers)) {
    const value = headers.get(name);
    return value === null ? [] : [value];
  }
  let value = headers[name];
  if (value === undefined) {
    // Node lower-cases incoming names; user-built records may not.
    for (const key of Object.keys(headers)) {
      if (key.length === name.length && key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [String(value)];
}

/**
 * A single-valued header. Returns `undefined` when absent or empty, and `null` when copies
 * disagree (two different ids in one request cannot both be right).
 */
export function singleHeader(headers: WebhookHeaders, name: string): string | null | undefined {
  const values = headerValues(headers, name);
  let found: string | undefined;
  for (const raw of values) {
    // Fetch `Headers` joins repeated values with ", ".
    for (const part of raw.includes(',') ? raw.split(',') : [raw]) {
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
  const entries: string[] = [];
  for (const raw of headerValues(headers, HEADER_SIGNATURE)) {
    // Entries are space-separated; fetch `Headers` joins repeated headers with ", ".
    for (const part of raw.split(' ')) {
      const entry = part.endsWith(',') ? part.slice(0, -1) : part;
      if (entry !== '') entries.push(entry.trim());
    }
  }
  return entries;
}
