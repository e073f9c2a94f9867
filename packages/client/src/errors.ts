/**
 * Every error the client throws is a `ComposioClientError`. The subclasses say which side failed:
 *
 * - `ComposioConfigError`: this process (no API key, a bad option or argument). Thrown before any
 *   request is sent.
 * - `ComposioApiError`: the API answered with an HTTP error (status, the API's code and message,
 *   the request id to quote to Composio's support). `SubscriptionExistsError` is its 409-on-create.
 * - `ComposioResponseError`: the API answered 2xx but with a body this client cannot trust.
 * - `ComposioConnectionError`: no answer at all (network failure or timeout).
 *
 * None of them ever carries the API key.
 */

const BRAND = Symbol.for('composio-webhooks.ComposioClientError');

export type ComposioClientErrorKind = 'config' | 'api' | 'response' | 'connection';

export class ComposioClientError extends Error {
  readonly kind: ComposioClientErrorKind;

  constructor(kind: ComposioClientErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ComposioClientError';
    this.kind = kind;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for every error of this package, even across duplicate copies of the module. */
export function isComposioClientError(value: unknown): value is ComposioClientError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}

/** True when the API answered with an HTTP error (`ComposioApiError` or a subclass). */
export function isComposioApiError(value: unknown): value is ComposioApiError {
  return isComposioClientError(value) && value.kind === 'api';
}

export type ComposioConfigErrorCode = 'MISSING_API_KEY' | 'INVALID_OPTION' | 'INVALID_ARGUMENT';

/** A problem on this side, found before any request: missing API key, bad option or argument. */
export class ComposioConfigError extends ComposioClientError {
  readonly code: ComposioConfigErrorCode;

  constructor(code: ComposioConfigErrorCode, message: string) {
    super('config', message);
    this.name = 'ComposioConfigError';
    this.code = code;
  }
}

export interface ComposioApiErrorDetails {
  status: number;
  method: string;
  /** Path relative to the base URL, e.g. `/webhook_subscriptions/ws_123`. */
  path: string;
  /** The API's own error code or slug, when it sent one. */
  code?: string | undefined;
  /** The API's own error message, when it sent one. */
  apiMessage?: string | undefined;
  /** Request id from the `x-request-id` header or the error body: quote it to Composio support. */
  requestId?: string | undefined;
  /** The API's suggested fix, when it sent one. */
  suggestedFix?: string | undefined;
  /** Milliseconds the server asked to wait (from `retry-after`), when it sent it. */
  retryAfterMs?: number | undefined;
  /** How many HTTP attempts were made before giving up (1 = no retry). */
  attempts: number;
  /** The parsed error body as sent (JSON value, or the text when it was not JSON). */
  body?: unknown;
}

/** The API answered with an HTTP error status. */
export class ComposioApiError extends ComposioClientError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly code: string | undefined;
  readonly apiMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly suggestedFix: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;
  readonly body: unknown;

  constructor(details: ComposioApiErrorDetails, message?: string) {
    super('api', message ?? describeApiError(details));
    this.name = 'ComposioApiError';
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.code = details.code;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
    this.suggestedFix = details.suggestedFix;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
    this.body = details.body;
  }
}

/**
 * `create()` answered 409: Composio allows one webhook subscription per project and this project
 * already has one. Use `set()` (create-or-update) or `update(id, patch)` instead.
 */
export class SubscriptionExistsError extends ComposioApiError {
  constructor(details: ComposioApiErrorDetails) {
    super(
      details,
      `${describeApiError(details)} — a webhook subscription already exists for this project ` +
        '(Composio allows one per project): use set() to create-or-update it, or update(id, patch) to change it.',
    );
    this.name = 'SubscriptionExistsError';
  }
}

export interface ComposioResponseErrorDetails {
  status: number;
  method: string;
  path: string;
  requestId?: string | undefined;
  /** Where in the body the problem is, e.g. `items[0].webhook_url` (`$` = the whole body). */
  at: string;
  /** What was expected there, e.g. `a string`. */
  expected: string;
}

/** The API answered 2xx with a body that does not have the documented shape. */
export class ComposioResponseError extends ComposioClientError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | undefined;
  readonly at: string;
  readonly expected: string;

  constructor(details: ComposioResponseErrorDetails) {
    super(
      'response',
      `Unexpected response from Composio for ${details.method} ${details.path} ` +
        `(HTTP ${details.status}${details.requestId ? `, request id ${details.requestId}` : ''}): ` +
        `expected ${details.expected} at ${details.at}.`,
    );
    this.name = 'ComposioResponseError';
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.requestId = details.requestId;
    this.at = details.at;
    this.expected = details.expected;
  }
}

/** No HTTP answer: the connection failed or the request timed out (after any retries). */
export class ComposioConnectionError extends ComposioClientError {
  readonly method: string;
  readonly path: string;
  readonly timedOut: boolean;
  readonly attempts: number;

  constructor(
    details: { method: string; path: string; timedOut: boolean; attempts: number; url: string },
    cause: unknown,
  ) {
    const reason = details.timedOut
      ? 'timed out'
      : `failed (${describeCause(cause) ?? 'network error'})`;
    super(
      'connection',
      `${details.method} ${details.url} ${reason}` +
        (details.attempts > 1 ? ` after ${details.attempts} attempts` : '') +
        '.',
      { cause },
    );
    this.name = 'ComposioConnectionError';
    this.method = details.method;
    this.path = details.path;
    this.timedOut = details.timedOut;
    this.attempts = details.attempts;
  }
}

function describeApiError(details: ComposioApiErrorDetails): string {
  const parts = [
    `Composio API ${details.method} ${details.path} failed with HTTP ${details.status}`,
  ];
  if (details.code !== undefined) parts.push(` ${details.code}`);
  if (details.apiMessage) parts.push(`: ${details.apiMessage}`);
  if (details.suggestedFix) parts.push(` (${details.suggestedFix})`);
  if (details.requestId) parts.push(` [request id ${details.requestId}]`);
  if (details.attempts > 1) parts.push(` after ${details.attempts} attempts`);
  return parts.join('');
}

function describeCause(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined;
  const inner = (cause as { cause?: unknown }).cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${inner.message}` : inner.message;
  }
  return cause.message;
}
