/**
 * Stage 2, read: the exact raw body, within `maxBodyBytes` and `bodyTimeoutMs`. The adapter says
 * where the body is (its reader, or the body its framework read); this stage words every way
 * that can fail once: over the limit (413), too slow (408), unreadable (400), already parsed
 * (500 `RAW_BODY_UNAVAILABLE`, from the reader).
 */
import { bodyTimeout, payloadTooLarge, unreadableBody } from '../body-errors.js';
import { isWebhookError, message, WebhookError } from '../errors.js';
import type { WebhookBody } from '../verify.js';

/** How much body an adapter may read, and for how long. */
export interface BodyLimits {
  /** `maxBodyBytes`: more is answered 413 without reading the rest. */
  maxBytes: number;
  /** `bodyTimeoutMs`: a body still arriving after this is answered 408. */
  timeoutMs: number;
}

/**
 * Why a framework's own body reader failed, when the adapter can tell: `'too-large'` (over the
 * `bodyLimit` it was given, i.e. `maxBodyBytes`: 413) or `'timeout'` (not fully arrived within
 * `bodyTimeoutMs`: 408). Anything else is an unreadable body (400).
 */
export type BodyFailure = 'too-large' | 'timeout';

/** The refusal of a body that could not be read. */
export function unreadable(
  packageName: string,
  limits: BodyLimits,
  error: unknown,
  reason?: BodyFailure,
): WebhookError {
  if (reason === 'too-large') return payloadTooLarge(packageName, limits.maxBytes, error);
  if (reason === 'timeout') return bodyTimeout(packageName, limits.timeoutMs);
  return isWebhookError(error) ? error : unreadableBody(packageName, error);
}

const encoder = new TextEncoder();

/**
 * The refusal of a body in hand over `max` bytes (`receive()`, or a reader that kept more), or
 * `undefined`. Not a raw body at all is for verification to refuse.
 */
export function oversize(body: unknown, max: number): WebhookError | undefined {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return undefined;
  if (!byteLengthOver(body, max)) return undefined;
  return new WebhookError(
    'PAYLOAD_TOO_LARGE',
    message(
      `The body is over maxBodyBytes (${max} bytes). Raise maxBodyBytes if your triggers send larger payloads.`,
    ),
  );
}

function byteLengthOver(body: WebhookBody, max: number): boolean {
  if (typeof body !== 'string') return body.byteLength > max;
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes: only measure when the bounds do not decide.
  if (body.length > max) return true;
  if (body.length * 3 <= max) return false;
  return encoder.encode(body).byteLength > max;
}
