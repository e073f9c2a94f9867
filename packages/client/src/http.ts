/**
 * The transport: one `send()` on the global `fetch` with a per-attempt timeout, retries with
 * exponential backoff and jitter, `retry-after`, typed errors and validation of the body.
 *
 * Retry policy (what is safe to repeat):
 * - 429 is retried for every request: the API refused it before doing anything.
 * - 5xx, 408, network failures and timeouts are retried only for idempotent requests (GET,
 *   DELETE, PATCH — a PATCH here sets absolute values, so sending it twice leaves the same state).
 *   POST create and POST rotate_secret are never repeated after such an ambiguous failure: the
 *   first attempt may have taken effect, and repeating it would fail with 409 or silently rotate
 *   the secret a second time.
 * - A `retry-after` (seconds or HTTP date) is honoured exactly; one longer than `maxRetryAfterMs`
 *   is not waited for: the error is thrown at once with `retryAfterMs` set.
 */
import {
  ComposioApiError,
  type ComposioApiErrorDetails,
  ComposioConnectionError,
  ComposioResponseError,
} from './errors.js';
import type { RetryInfo, RetryOptions } from './types.js';
import { parseErrorBody, ShapeError } from './wire.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ResolvedRetryOptions {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  onRetry: ((info: RetryInfo) => void) | undefined;
}

export interface HttpConfig {
  apiKey: string;
  /** Composio's API origin (the `baseUrl` option), without a trailing slash. */
  origin: string;
  /** Origin + the API version path: request paths are appended to it. No trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  headers: Record<string, string>;
  /** Source of jitter, in [0, 1). */
  random: () => number;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Starts with `/`; path segments already encoded. */
  path: string;
  /** Query parameters; an array value repeats the key (`a=1&a=2`). */
  query?: Record<string, string | readonly string[]>;
  body?: unknown;
  /** May the request be repeated after a 5xx, a network failure or a timeout? */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  /**
   * When a retry that follows an ambiguous failure (5xx, network, timeout) answers `status`,
   * return `value` instead of throwing. `delete` uses it: a 404 then means the first attempt
   * already deleted it.
   */
  recover?: { status: number; value: unknown };
  /** Pick a more specific error class for a status (e.g. 409 on create). */
  errorFor?: (details: ComposioApiErrorDetails) => ComposioApiError | undefined;
}

export const DEFAULT_RETRY: Readonly<Omit<ResolvedRetryOptions, 'onRetry'>> = Object.freeze({
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
});

export function resolveRetryOptions(
  retries: number | RetryOptions | undefined,
): ResolvedRetryOptions {
  const options: RetryOptions =
    typeof retries === 'number' ? { maxRetries: retries } : (retries ?? {});
  return {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY.maxRetries,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs,
    onRetry: options.onRetry,
  };
}

/** Sends the request (with retries) and returns `parse(json)`; throws the client's typed errors. */
export async function send<T>(
  config: HttpConfig,
  request: HttpRequest,
  parse: (data: unknown) => T,
): Promise<T> {
  const url = buildUrl(config.baseUrl, request.path, request.query);
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...config.headers,
    'x-api-key': config.apiKey,
  };
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const { retry } = config;
  let ambiguous = false;

  for (let attempt = 1; ; attempt++) {
    const canRetry = attempt <= retry.maxRetries;
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await config.fetch(url, { method: request.method, headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      const timedOut = timeout.aborted;
      if (request.idempotent && canRetry) {
        ambiguous = true;
        const delayMs = backoff(config, attempt);
        notify(retry, request, attempt, delayMs, undefined, timedOut ? 'timeout' : 'network-error');
        await sleep(delayMs, request.signal);
        continue;
      }
      throw new ComposioConnectionError(
        { method: request.method, path: request.path, timedOut, attempts: attempt, url },
        error,
      );
    }

    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (response.ok) {
      const data = parseJson(text, response.status === 204);
      const context = {
        status: response.status,
        method: request.method,
        path: request.path,
        requestId,
      };
      if (data === INVALID_JSON) {
        throw new ComposioResponseError({ ...context, at: '$', expected: 'a JSON body' });
      }
      try {
        return parse(data);
      } catch (error) {
        if (error instanceof ShapeError) {
          throw new ComposioResponseError({ ...context, at: error.at, expected: error.expected });
        }
        throw error;
      }
    }

    const status = response.status;
    if (ambiguous && request.recover && status === request.recover.status) {
      return request.recover.value as T;
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    const serverSide = status >= 500 || status === 408;
    if (canRetry && (status === 429 || (request.idempotent && serverSide))) {
      const delayMs = retryAfterMs ?? backoff(config, attempt);
      if (retryAfterMs === undefined || retryAfterMs <= retry.maxRetryAfterMs) {
        if (serverSide) ambiguous = true;
        notify(
          retry,
          request,
          attempt,
          delayMs,
          status,
          status === 429 ? 'rate-limited' : 'server-error',
        );
        await sleep(delayMs, request.signal);
        continue;
      }
    }

    const errorBody = parseJson(text, text === '');
    const info = parseErrorBody(errorBody);
    const details: ComposioApiErrorDetails = {
      status,
      method: request.method,
      path: request.path,
      code: info.code,
      apiMessage: info.message,
      requestId: requestId ?? info.requestId,
      suggestedFix: info.suggestedFix,
      retryAfterMs,
      attempts: attempt,
      body: errorBody === INVALID_JSON ? text : errorBody,
    };
    throw request.errorFor?.(details) ?? new ComposioApiError(details);
  }
}

/**
 * `retry-after` as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * `undefined` when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Exponential backoff with "equal jitter": between half and all of `base * 2^(attempt-1)`. */
export function backoff(config: Pick<HttpConfig, 'retry' | 'random'>, attempt: number): number {
  const { baseDelayMs, maxDelayMs } = config.retry;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + config.random() * (ceiling / 2));
}

function notify(
  retry: ResolvedRetryOptions,
  request: HttpRequest,
  attempt: number,
  delayMs: number,
  status: number | undefined,
  reason: RetryInfo['reason'],
): void {
  retry.onRetry?.({ method: request.method, path: request.path, attempt, delayMs, status, reason });
}

function buildUrl(
  baseUrl: string,
  path: string,
  query: Record<string, string | readonly string[]> | undefined,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of typeof value === 'string' ? [value] : value) params.append(key, item);
  }
  const search = params.size > 0 ? `?${params}` : '';
  return `${baseUrl}${path}${search}`;
}

const INVALID_JSON: unique symbol = Symbol('invalid-json');

function parseJson(text: string, emptyIsNull: boolean): unknown {
  if (text === '' && emptyIsNull) return null;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
