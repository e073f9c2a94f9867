/**
 * What the exchange needs from a Lambda event: the method, the headers (any case, single- or
 * multi-value) and the exact body bytes (`event.body`, base64-decoded when `isBase64Encoded`).
 */
import type { HeaderRecord } from '@composio-webhooks/core/adapter';
import type { AlbEvent, HttpApiEvent, LambdaHttpEvent, RestApiEvent } from './events.js';

export function methodOf(event: LambdaHttpEvent): string {
  const method =
    (event as RestApiEvent | AlbEvent).httpMethod ??
    (event as HttpApiEvent).requestContext?.http?.method;
  return typeof method === 'string' ? method.toUpperCase() : '';
}

/**
 * The headers as one record with lower-case names. `multiValueHeaders` wins when present (a REST
 * API sends both; an ALB target group with multi-value headers sends only it): a header sent
 * once is a string, a repeated one a list, as Node gives them.
 */
export function headersOf(event: LambdaHttpEvent): HeaderRecord {
  const record: HeaderRecord = {};
  const multi = (event as RestApiEvent | AlbEvent).multiValueHeaders;
  if (multi) {
    for (const name in multi) {
      const values = multi[name];
      if (!Array.isArray(values) || values.length === 0) continue;
      record[name.toLowerCase()] = values.length === 1 ? values[0] : values;
    }
    return record;
  }
  const single = event.headers;
  if (single) {
    for (const name in single) {
      const value = single[name];
      if (typeof value === 'string') record[name.toLowerCase()] = value;
    }
  }
  return record;
}

/** The body exactly as sent: bytes when API Gateway/ALB base64-encoded it, else its text. */
export function bodyOf(event: LambdaHttpEvent): string | Uint8Array {
  const { body } = event;
  if (typeof body !== 'string') return '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : body;
}
