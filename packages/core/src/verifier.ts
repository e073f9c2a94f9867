/**
 * The public API of verification: `createWebhookVerifier(options)` (options checked and keys
 * prepared once, at start-up) and one-shot `verifyWebhook(input)`. The algorithm is in
 * `verify.ts`; the node:crypto fast path in `verify-fast.ts`.
 */
import { message, WebhookConfigError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import type { WebhookHeaders } from './headers.js';
import type { CryptoBackend } from './hmac.js';
import { type PreparedSecrets, prepareSecrets, type SecretFormat } from './secrets.js';
import { type CheckedHeaders, verifyDelivery, type WebhookBody } from './verify.js';
import { checkHeaders, verifySync } from './verify-fast.js';

export type { CheckedHeaders, WebhookBody };
/** @deprecated Use `WebhookBody`. */
export type WebhookPayload = WebhookBody;

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

export interface VerifyWebhookInput extends VerifierOptions {
  /** The raw body, exactly as received. Never re-serialized JSON. */
  payload: WebhookBody;
  headers: WebhookHeaders;
  secret: string | readonly string[];
}

export interface WebhookVerifier {
  /** Verifies a delivery and returns it typed; rejects with a `WebhookError`. */
  verify(
    payload: WebhookBody,
    headers: WebhookHeaders,
    /** What `checkHeaders(headers)` returned for these headers, so they are not read twice. */
    checked?: CheckedHeaders,
  ): Promise<WebhookDelivery>;
  /**
   * The checks that need no body: the three headers present, the timestamp well-formed and within
   * the tolerance, at least one `v1,` signature. Throws the `WebhookError` `verify` would.
   */
  checkHeaders(headers: WebhookHeaders): CheckedHeaders;
}

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
  const verify = sync ? verifySync : verifyDelivery;
  return {
    verify: (payload, headers, checked) =>
      verify(prepared, tolerance, now, payload, headers, checked),
    checkHeaders: (headers) => checkHeaders(headers, tolerance, now),
  };
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
    const verify = prepared.keys.every((key) => key.sync) ? verifySync : verifyDelivery;
    if (typeof secret === 'string') {
      last = { secret, format, crypto: input.crypto, prepared, verify };
    }
    return verify(prepared, tolerance, now, input.payload, input.headers);
  } catch (error) {
    return Promise.reject(error);
  }
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
