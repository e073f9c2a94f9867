/**
 * The reference algorithm of signature verification, step by step, over the exact raw bytes of a
 * delivery (Standard Webhooks): `base64(HMAC-SHA256(key, "${webhook-id}.${webhook-timestamp}." +
 * body))`, compared in constant time with every `v1,` entry of `webhook-signature`, for every key
 * of the rotation window. No shortcuts here: `verify-fast.ts` holds the equivalent fast path for
 * node:crypto, and the differential property test keeps both in agreement.
 */
import { message, WebhookError, WebhookVerificationError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import {
  HEADER_ATTEMPT,
  HEADER_ID,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  headerValues,
  signatureEntries,
  singleHeader,
  type WebhookHeaders,
} from './headers.js';
import { constantTimeEqual, signatureText } from './hmac.js';
import { parsePayload } from './parse.js';
import type { PreparedSecrets } from './secrets.js';

/** The raw body of a delivery, exactly as received. */
export type WebhookBody = string | Uint8Array;

/** What the headers say, once checked. */
export interface CheckedHeaders {
  id: string;
  timestamp: number;
  /** `${id}.${timestamp}.`: what the HMAC covers before the body. */
  prefix: string;
  /** The canonical base64 text of each usable `v1,` signature. */
  signatures: string[];
}

/** Unix seconds, digits only (also the shape of a delivery attempt number). */
export const TIMESTAMP = /^\d{1,15}$/;

/**
 * Verifies a delivery: the body is raw, the headers are present and fresh, and the HMAC of one key
 * equals one `v1,` signature; only then is the body parsed. Rejects with a `WebhookError`.
 */
export async function verifyDelivery(
  prepared: PreparedSecrets,
  tolerance: number,
  now: () => number,
  payload: WebhookBody,
  headers: WebhookHeaders,
  prechecked?: CheckedHeaders,
): Promise<WebhookDelivery> {
  assertRawBody(payload);
  const checked = prechecked ?? readHeaders(headers, tolerance, now);
  for (const key of prepared.keys) {
    const expected = await key.sign(checked.prefix, payload);
    for (const signature of checked.signatures) {
      if (constantTimeEqual(expected, signature)) {
        return delivered(checked, payload, attemptOf(headers));
      }
    }
  }
  throw signatureMismatch(prepared);
}

/** The body must be the raw bytes (or text) exactly as received, never parsed JSON. */
export function assertRawBody(payload: unknown): asserts payload is WebhookBody {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new WebhookError(
      'RAW_BODY_UNAVAILABLE',
      message(
        `The payload must be the raw body (string or Uint8Array/Buffer) exactly as received, got ${payload === null ? 'null' : typeof payload}. A body parser probably parsed it: verify the raw bytes instead (re-serialized JSON never matches the signature).`,
      ),
    );
  }
}

/** The three headers, in any shape (`headers.ts`): present, a fresh timestamp, `v1,` signatures. */
export function readHeaders(
  headers: WebhookHeaders,
  tolerance: number,
  now: () => number,
): CheckedHeaders {
  const id = singleHeader(headers ?? {}, HEADER_ID);
  const timestampText = singleHeader(headers ?? {}, HEADER_TIMESTAMP);
  const entries = signatureEntries(headers ?? {});
  // Present but empty is an invalid timestamp, not a missing one.
  const timestampMissing =
    timestampText === null ||
    (timestampText === undefined && headerValues(headers ?? {}, HEADER_TIMESTAMP).length === 0);
  if (!id || timestampMissing || entries.length === 0) {
    throw missingHeaders([
      [HEADER_ID, id === null ? 'conflicting' : id ? 'present' : 'absent'],
      [
        HEADER_TIMESTAMP,
        timestampText === null ? 'conflicting' : timestampMissing ? 'absent' : 'present',
      ],
      [HEADER_SIGNATURE, entries.length > 0 ? 'present' : 'absent'],
    ]);
  }
  if (timestampText === undefined || !TIMESTAMP.test(timestampText as string)) {
    throw new WebhookVerificationError(
      'INVALID_TIMESTAMP',
      message('The webhook-timestamp header must be Unix time in whole seconds (digits only).'),
    );
  }
  const timestamp = Number(timestampText);
  checkFreshness(timestamp, tolerance, now);
  const signatures: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith('v1,')) continue; // other schemes (v1a, …) are not ours to check
    const text = signatureText(entry, 3);
    if (text !== undefined) signatures.push(text);
  }
  if (signatures.length === 0) {
    throw new WebhookVerificationError(
      'INVALID_SIGNATURE',
      message(
        'The webhook-signature header has no usable `v1,<base64 HMAC-SHA256>` entry; Composio signs with v1.',
      ),
    );
  }
  return { id: id as string, timestamp, prefix: `${id}.${timestampText}.`, signatures };
}

export function checkFreshness(timestamp: number, tolerance: number, now: () => number): void {
  if (tolerance <= 0) return;
  const nowSeconds = now() / 1000;
  if (timestamp < nowSeconds - tolerance || timestamp > nowSeconds + tolerance) {
    const skew = Math.round(nowSeconds - timestamp);
    throw new WebhookVerificationError(
      'TIMESTAMP_OUT_OF_TOLERANCE',
      message(
        `The webhook-timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}, outside the ${tolerance} s tolerance: a replayed delivery, or this server's clock is off (check NTP).`,
      ),
    );
  }
}

/** `x-composio-delivery-attempt`, when it is a number. */
export function attemptOf(headers: WebhookHeaders): number | undefined {
  const attempt = singleHeader(headers, HEADER_ATTEMPT);
  return attempt && TIMESTAMP.test(attempt) ? Number(attempt) : undefined;
}

/** The verified delivery: the body parsed, typed and validated (`parse.ts`). */
export function delivered(
  checked: CheckedHeaders,
  payload: WebhookBody,
  attempt: number | undefined,
): WebhookDelivery {
  const parsed = parsePayload(payload, checked);
  const delivery: WebhookDelivery = {
    id: checked.id,
    timestamp: checked.timestamp,
    version: parsed.version,
    event: parsed.event,
    raw: parsed.raw,
  };
  if (attempt !== undefined) delivery.attempt = attempt;
  return delivery;
}

export function signatureMismatch(prepared: PreparedSecrets): WebhookVerificationError {
  const hints = [
    'the body was parsed and re-serialized before verification (verify the exact raw bytes)',
    "the secret is not this subscription's (it changes when rotated; during a rotation pass secret: [newSecret, oldSecret])",
    ...prepared.hints,
  ];
  return new WebhookVerificationError(
    'INVALID_SIGNATURE',
    message(`No signature matched. Likely causes: ${hints.join('; ')}.`),
  );
}

/** `MISSING_HEADERS`, naming each header for what it is: absent, or repeated with different values. */
function missingHeaders(
  states: [name: string, state: 'present' | 'absent' | 'conflicting'][],
): WebhookVerificationError {
  const absent = states.filter(([, state]) => state === 'absent').map(([name]) => name);
  const conflicting = states.filter(([, state]) => state === 'conflicting').map(([name]) => name);
  const problems: string[] = [];
  if (absent.length > 0) {
    problems.push(
      `Missing ${absent.join(', ')} header${absent.length > 1 ? 's' : ''}. Composio sends webhook-id, webhook-timestamp and webhook-signature on every delivery: is this request from Composio, or does a proxy strip headers?`,
    );
  }
  if (conflicting.length > 0) {
    problems.push(
      `The ${conflicting.join(', ')} header${conflicting.length > 1 ? 's are' : ' is'} repeated with different values; a delivery carries exactly one.`,
    );
  }
  return new WebhookVerificationError('MISSING_HEADERS', message(problems.join(' ')));
}
