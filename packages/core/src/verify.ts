/**
 * Signature verification over the exact raw bytes of a delivery, Standard-Webhooks style:
 * `base64(HMAC-SHA256(key, "${webhook-id}.${webhook-timestamp}." + rawBody))`.
 */
import { message, WebhookConfigError, WebhookError, WebhookVerificationError } from './errors.js';
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
import { type CryptoBackend, constantTimeEqual, decodeSignature } from './hmac.js';
import { parsePayload } from './parse.js';
import { type PreparedSecrets, prepareSecrets, type SecretFormat } from './secrets.js';

export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifierOptions {
  /**
   * The subscription's signing secret; several during a rotation (`[newSecret, oldSecret]`).
   * Omitted: read from `process.env.COMPOSIO_WEBHOOK_SECRET`.
   */
  secret?: string | readonly string[];
  /** `'raw'` (default): Composio's convention. `'standard'`: `whsec_` + base64 secrets. */
  secretFormat?: SecretFormat;
  /** Allowed clock difference in seconds, both ways. Default 300; `0` turns the check off. */
  tolerance?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
  /** Force a crypto backend (tests, edge bundles). Default: `node:crypto` when available. */
  crypto?: CryptoBackend;
}

/** The raw body of a delivery, exactly as received. */
export type WebhookBody = string | Uint8Array;
/** @deprecated Use `WebhookBody`. */
export type WebhookPayload = WebhookBody;

export interface VerifyWebhookInput extends VerifierOptions {
  /** The raw body, exactly as received. Never re-serialized JSON. */
  payload: WebhookBody;
  headers: WebhookHeaders;
  secret: string | readonly string[];
}

export interface WebhookVerifier {
  /** Verifies a delivery and returns it typed; rejects with a `WebhookError`. */
  verify(payload: WebhookBody, headers: WebhookHeaders): Promise<WebhookDelivery>;
  /**
   * The checks that need no body: the three headers present, the timestamp well-formed and within
   * the tolerance, at least one `v1,` signature. Throws the `WebhookError` `verify` would.
   */
  checkHeaders(headers: WebhookHeaders): void;
}

interface CheckedHeaders {
  id: string;
  timestamp: number;
  prefix: string;
  signatures: Uint8Array[];
}

const TIMESTAMP = /^\d{1,15}$/;

export function createWebhookVerifier(options: VerifierOptions = {}): WebhookVerifier {
  if (options === null || typeof options !== 'object') {
    throw new WebhookConfigError(
      message('createWebhookVerifier(options) needs an options object.'),
    );
  }
  const tolerance = checkTolerance(options.tolerance);
  const now = checkNow(options.now);
  const prepared = prepareSecrets(options.secret, options.secretFormat ?? 'raw', options.crypto);
  return verifierFor(prepared, tolerance, now);
}

function verifierFor(
  prepared: PreparedSecrets,
  tolerance: number,
  now: () => number,
): WebhookVerifier {
  const sync = prepared.keys.every((key) => key.sync);
  const verify = sync ? verifySync : verifyAsync;
  return {
    verify: (payload, headers) => verify(prepared, tolerance, now, payload, headers),
    checkHeaders(headers) {
      plainRecord(headers, tolerance, now) ?? readHeaders(headers, tolerance, now);
    },
  };
}

/** node:crypto: everything runs synchronously, the result is wrapped in a promise once. */
function verifySync(
  prepared: PreparedSecrets,
  tolerance: number,
  now: () => number,
  payload: WebhookBody,
  headers: WebhookHeaders,
): Promise<WebhookDelivery> {
  try {
    const checked = checkRequest(payload, headers, tolerance, now);
    for (const key of prepared.keys) {
      const digest = key.digest(checked.prefix, payload) as Uint8Array;
      for (const signature of checked.signatures) {
        // A branch-free XOR loop over the 32 bytes: constant time, and cheaper than handing a
        // small on-heap Uint8Array to node:crypto's timingSafeEqual.
        if (constantTimeEqual(digest, signature)) {
          return Promise.resolve(finish(headers, checked, payload));
        }
      }
    }
    return Promise.reject(signatureMismatch(prepared));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** WebCrypto: digests are asynchronous. */
async function verifyAsync(
  prepared: PreparedSecrets,
  tolerance: number,
  now: () => number,
  payload: WebhookBody,
  headers: WebhookHeaders,
): Promise<WebhookDelivery> {
  const checked = checkRequest(payload, headers, tolerance, now);
  for (const key of prepared.keys) {
    const digest = await key.digest(checked.prefix, payload);
    for (const signature of checked.signatures) {
      if (constantTimeEqual(digest, signature)) return finish(headers, checked, payload);
    }
  }
  throw signatureMismatch(prepared);
}

function finish(
  headers: WebhookHeaders,
  checked: CheckedHeaders,
  payload: WebhookBody,
): WebhookDelivery {
  const parsed = parsePayload(payload, checked);
  const delivery: WebhookDelivery = {
    id: checked.id,
    timestamp: checked.timestamp,
    version: parsed.version,
    event: parsed.event,
    raw: parsed.raw,
  };
  // A plain record's value is read directly when it is already clean; else the general reader.
  const plain = (headers as Record<string, unknown> | null)?.[HEADER_ATTEMPT];
  const attempt =
    typeof plain === 'string' && TIMESTAMP.test(plain)
      ? plain
      : singleHeader(headers, HEADER_ATTEMPT);
  if (attempt && TIMESTAMP.test(attempt)) delivery.attempt = Number(attempt);
  return delivery;
}

function checkRequest(
  payload: WebhookBody,
  headers: WebhookHeaders,
  tolerance: number,
  now: () => number,
): CheckedHeaders {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new WebhookError(
      'RAW_BODY_UNAVAILABLE',
      message(
        `The payload must be the raw body (string or Uint8Array/Buffer) exactly as received, got ${payload === null ? 'null' : typeof payload}. A body parser probably parsed it: verify the raw bytes instead (re-serialized JSON never matches the signature).`,
      ),
    );
  }
  return plainRecord(headers, tolerance, now) ?? readHeaders(headers, tolerance, now);
}

/**
 * The common case, read with plain property loads: a Node header record holding one lower-case
 * copy of each header, a digits-only timestamp and a single `v1,` signature. Returns `undefined`
 * for anything else, which `readHeaders` then handles (same results, more work).
 */
function plainRecord(
  headers: WebhookHeaders,
  tolerance: number,
  now: () => number,
): CheckedHeaders | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const record = headers as Record<string, unknown>;
  const id = record['webhook-id'];
  const timestampText = record['webhook-timestamp'];
  const signature = record['webhook-signature'];
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
  const decoded = decodeSignature(signature, 3);
  if (decoded === undefined) return undefined;
  const timestamp = Number(timestampText);
  checkFreshness(timestamp, tolerance, now);
  return { id, timestamp, prefix: `${id}.${timestampText}.`, signatures: [decoded] };
}

/** Any header shape: fetch `Headers`, any-case keys, repeated headers, several signatures. */
function readHeaders(
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
    const missing: string[] = [];
    if (!id) missing.push(HEADER_ID);
    if (timestampMissing) missing.push(HEADER_TIMESTAMP);
    if (entries.length === 0) missing.push(HEADER_SIGNATURE);
    const conflicting = missing.filter(
      (name) =>
        (name === HEADER_ID && id === null) ||
        (name === HEADER_TIMESTAMP && timestampText === null),
    );
    const absent = missing.filter((name) => !conflicting.includes(name));
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
    throw new WebhookVerificationError('MISSING_HEADERS', message(problems.join(' ')));
  }
  if (timestampText === undefined || !TIMESTAMP.test(timestampText as string)) {
    throw new WebhookVerificationError(
      'INVALID_TIMESTAMP',
      message('The webhook-timestamp header must be Unix time in whole seconds (digits only).'),
    );
  }
  const timestamp = Number(timestampText);
  checkFreshness(timestamp, tolerance, now);
  const signatures: Uint8Array[] = [];
  for (const entry of entries) {
    if (!entry.startsWith('v1,')) continue; // other schemes (v1a, …) are not ours to check
    const decoded = decodeSignature(entry, 3);
    if (decoded !== undefined) signatures.push(decoded);
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

function checkFreshness(timestamp: number, tolerance: number, now: () => number): void {
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

function signatureMismatch(prepared: PreparedSecrets): WebhookVerificationError {
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

function checkTolerance(tolerance: unknown): number {
  if (tolerance === undefined) return DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new WebhookConfigError(
      message(
        `tolerance must be a number of seconds ≥ 0 (default ${DEFAULT_TOLERANCE_SECONDS}; 0 turns the timestamp check off), got ${String(tolerance)}.`,
      ),
    );
  }
  return tolerance;
}

function checkNow(now: unknown): () => number {
  if (now === undefined) return Date.now;
  if (typeof now !== 'function') {
    throw new WebhookConfigError(
      message('`now` must be a function returning milliseconds, like Date.now.'),
    );
  }
  return now as () => number;
}

const preparedCache = new Map<string, PreparedSecrets>();
/** The secret of the last `verifyWebhook` call, to skip building the cache key when it repeats. */
let last:
  | {
      secret: string;
      format: unknown;
      crypto: CryptoBackend | undefined;
      prepared: PreparedSecrets;
      verify: typeof verifySync;
    }
  | undefined;
const CACHE_SIZE = 32;

/**
 * Verifies one delivery. Keys are prepared once per distinct secret and cached; for a hot path
 * with fixed options `createWebhookVerifier` is the same work without the cache lookup.
 */
export function verifyWebhook(input: VerifyWebhookInput): Promise<WebhookDelivery> {
  try {
    if (input === null || typeof input !== 'object') {
      throw new WebhookConfigError(
        message('verifyWebhook(input) needs { payload, headers, secret }.'),
      );
    }
    const tolerance = checkTolerance(input.tolerance);
    const now = checkNow(input.now);
    const format = input.secretFormat ?? 'raw';
    const secret = input.secret;
    let prepared: PreparedSecrets | undefined;
    if (
      last !== undefined &&
      typeof secret === 'string' &&
      secret === last.secret &&
      format === last.format &&
      input.crypto === last.crypto
    ) {
      // The hot path: the same (immutable) secret string as the previous call.
      return last.verify(last.prepared, tolerance, now, input.payload, input.headers);
    }
    const cacheable =
      typeof secret === 'string' ||
      (Array.isArray(secret) && secret.every((value) => typeof value === 'string'));
    const cacheKey = cacheable
      ? `${format}\u0000${input.crypto ?? ''}\u0000${typeof secret === 'string' ? secret : secret.join('\u0000')}`
      : '';
    if (cacheable) prepared = preparedCache.get(cacheKey);
    if (prepared === undefined) {
      prepared = prepareSecrets(secret, format, input.crypto);
      if (cacheable) {
        if (preparedCache.size >= CACHE_SIZE) {
          preparedCache.delete(preparedCache.keys().next().value as string);
        }
        preparedCache.set(cacheKey, prepared);
      }
    }
    const verify = prepared.keys.every((key) => key.sync) ? verifySync : verifyAsync;
    if (typeof secret === 'string') {
      last = { secret, format, crypto: input.crypto, prepared, verify };
    }
    return verify(prepared, tolerance, now, input.payload, input.headers);
  } catch (error) {
    return Promise.reject(error);
  }
}
