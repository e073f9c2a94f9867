/**
 * `keepBody: true` stores the exact raw body and the signature headers with each job. The router's
 * `dispatch` only sees the verified delivery, so the receiver hands the body over here, keyed by
 * the delivery object, for the inbox router to take (the hook a receiver calls when
 * `routerKeepsBody(router)` is true).
 */
import type { WebhookDelivery } from '../events.js';
import {
  HEADER_ID,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  headerValues,
  type WebhookHeaders,
} from '../headers.js';
import type { ReceivedBody } from './job.js';

const kept = new WeakMap<WebhookDelivery, ReceivedBody>();
const decoder = new TextDecoder();

/** Keeps the raw body and signature headers a verified `delivery` came with, for its enqueue. */
export function keepReceivedBody(
  delivery: WebhookDelivery,
  body: string | Uint8Array,
  headers: WebhookHeaders,
): void {
  const first = (name: string) => headerValues(headers, name)[0] ?? '';
  kept.set(delivery, {
    body: typeof body === 'string' ? body : decoder.decode(body),
    headers: {
      [HEADER_ID]: first(HEADER_ID),
      [HEADER_TIMESTAMP]: first(HEADER_TIMESTAMP),
      [HEADER_SIGNATURE]: first(HEADER_SIGNATURE),
    },
  });
}

/** The body kept for `delivery` (once: it is forgotten when taken). */
export function takeReceivedBody(delivery: WebhookDelivery): ReceivedBody | undefined {
  const received = kept.get(delivery);
  if (received) kept.delete(delivery);
  return received;
}
