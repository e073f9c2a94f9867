/**
 * The fast path of verification, for node:crypto (synchronous digests): the decisions of the
 * reference algorithm in `verify.ts`, with the common header shape (a Node record, one lower-case
 * copy of each header, one `v1,` signature) read by plain property loads and one promise per
 * call. `verify.property.test.ts` checks both agree on every header shape. Also the key cache of
 * one-shot `verifyWebhook` calls.
 */
import type { WebhookDelivery } from './events.js';
import { HEADER_ATTEMPT, type WebhookHeaders } from './headers.js';
import { constantTimeEqual, signatureText } from './hmac.js';
import type { PreparedSecrets } from './secrets.js';
import {
  assertRawBody,
  attemptOf,
  type CheckedHeaders,
  checkFreshness,
  delivered,
  readHeaders,
  signatureMismatch,
  TIMESTAMP,
  type WebhookBody,
} from './verify.js';

/** The header checks of `verify` (no body needed), fast path first. */
export function checkHeaders(
  headers: WebhookHeaders,
  tolerance: number,
  now: () => number,
): CheckedHeaders {
  return plainRecord(headers, tolerance, now) ?? readHeaders(headers, tolerance, now);
}

/** node:crypto: everything runs synchronously, the result is wrapped in a promise once. */
export function verifySync(
  prepared: PreparedSecrets,
  tolerance: number,
  now: () => number,
  payload: WebhookBody,
  headers: WebhookHeaders,
  prechecked?: CheckedHeaders,
): Promise<WebhookDelivery> {
  try {
    assertRawBody(payload);
    const checked =
      prechecked ?? plainRecord(headers, tolerance, now) ?? readHeaders(headers, tolerance, now);
    for (const key of prepared.keys) {
      const expected = key.sign(checked.prefix, payload) as string;
      for (const signature of checked.signatures) {
        // A branch-free XOR loop over the 44 base64 characters: constant time, and no Buffer
        // allocated for either side.
        if (constantTimeEqual(expected, signature)) {
          return Promise.resolve(delivered(checked, payload, plainAttempt(headers)));
        }
      }
    }
    return Promise.reject(signatureMismatch(prepared));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The common case, read with plain property loads (a Node header record holding one lower-case
 * copy of each header) or three `get` calls (a fetch `Headers`): a digits-only timestamp and a
 * single `v1,` signature. Returns `undefined` for anything else, which `readHeaders` then handles
 * (same results, more work).
 */
function plainRecord(
  headers: WebhookHeaders,
  tolerance: number,
  now: () => number,
): CheckedHeaders | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  let id: unknown;
  let timestampText: unknown;
  let signature: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    // A fetch `Headers`: repeated headers come back joined with ", ", which the checks below
    // send to the general reader (it names the conflict).
    const fetchHeaders = headers as { get(name: string): string | null };
    id = fetchHeaders.get('webhook-id');
    timestampText = fetchHeaders.get('webhook-timestamp');
    signature = fetchHeaders.get('webhook-signature');
  } else {
    const record = headers as Record<string, unknown>;
    id = record['webhook-id'];
    timestampText = record['webhook-timestamp'];
    signature = record['webhook-signature'];
  }
  if (
    typeof id !== 'string' ||
    typeof timestampText !== 'string' ||
    typeof signature !== 'string' ||
    id === '' ||
    id.includes(',') ||
    id.trim() !== id ||
    !TIMESTAMP.test(timestampText) ||
    !signature.startsWith('v1,')
  ) {
    return undefined;
  }
  const text = signatureText(signature, 3);
  if (text === undefined) return undefined;
  const timestamp = Number(timestampText);
  checkFreshness(timestamp, tolerance, now);
  return { id, timestamp, prefix: `${id}.${timestampText}.`, signatures: [text] };
}

/** `x-composio-delivery-attempt` by one property load when it is clean digits; else the general reader. */
function plainAttempt(headers: WebhookHeaders): number | undefined {
  const plain = (headers as Record<string, unknown> | null)?.[HEADER_ATTEMPT];
  return typeof plain === 'string' && TIMESTAMP.test(plain) ? Number(plain) : attemptOf(headers);
}
