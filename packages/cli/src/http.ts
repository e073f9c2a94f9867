/**
 * Sending a signed delivery to an endpoint, the way Composio does, and reading the answer: used by
 * send-test, replay, doctor and listen --forward-to.
 */
import { signWebhook } from '@composio-webhooks/core/testing';
import { CliError } from './context.js';
import { readReceiverBody } from './explain.js';
import { CLI_VERSION } from './version.js';

export interface SignOptions {
  /** The exact body to sign and send. */
  body: string;
  secret: string;
  secretFormat: 'raw' | 'standard';
  /** `webhook-id`; default the body's `id`, else a fresh one. */
  id?: string | undefined;
  /** Unix seconds; default now. */
  timestamp?: number | undefined;
  /** `x-composio-delivery-attempt`; default 1. */
  attempt?: string | undefined;
  /** Default `application/json`. */
  contentType?: string | undefined;
  /** Which CLI command sends it, for the user-agent. */
  via: string;
}

export type DeliveryHeaders = Record<string, string> & {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export interface SignedRequest {
  body: string;
  headers: DeliveryHeaders;
}

/** Signs `body` like Composio (fresh timestamp unless given) and adds Composio's other headers. */
export async function signDelivery(options: SignOptions): Promise<SignedRequest> {
  const signed = await signWebhook({
    payload: options.body,
    secret: options.secret,
    secretFormat: options.secretFormat,
    id: options.id,
    timestamp: options.timestamp,
  });
  return {
    body: signed.body,
    headers: {
      ...signed.headers,
      'content-type': options.contentType ?? 'application/json',
      'x-composio-delivery-attempt': options.attempt ?? '1',
      'user-agent': `composio-webhooks-cli/${CLI_VERSION} (${options.via})`,
    },
  };
}

export interface EndpointAnswer {
  status: number;
  statusText: string;
  /** The response body as text. */
  text: string;
  headers: Headers;
  /** `error.code` of a composio-webhooks error body. */
  code: string | undefined;
  /** `message` of a composio-webhooks error body. */
  message: string | undefined;
  /** A composio-webhooks `{ ok: true, duplicate: true }` answer. */
  duplicate: boolean;
  /** A composio-webhooks `{ ok: true, queued: true }` answer: an inbox took the delivery for a worker. */
  queued: boolean;
  durationMs: number;
}

/**
 * POSTs the request; a network failure or timeout becomes a `CliError` that says what to check.
 * A redirect is never followed: the signed request (its signature made with the real secret)
 * would reach another server. It is reported, with its status and `Location`, as a `CliError`
 * (code `REDIRECT`).
 */
export async function post(
  url: string,
  request: SignedRequest,
  timeoutMs: number,
): Promise<EndpointAnswer> {
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw connectionError(url, error, timeoutMs);
  }
  if (response.status >= 300 && response.status < 400 && response.status !== 304) {
    throw redirectError(url, response);
  }
  const receiver = readReceiverBody(text);
  return {
    status: response.status,
    statusText: response.statusText,
    text,
    headers: response.headers,
    code: receiver.code,
    message: receiver.message,
    duplicate: receiver.duplicate === true,
    queued: receiver.queued === true,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Whether an error is `post`'s refusal to follow a redirect (callers stop at it). */
export function isRedirect(error: unknown): error is CliError {
  return error instanceof CliError && error.details.code === 'REDIRECT';
}

function redirectError(url: string, response: Response): CliError {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const header = response.headers.get('location');
  let location: string | null = null;
  try {
    location = header === null ? null : new URL(header, url).href;
  } catch {
    location = header;
  }
  const where = location === null ? 'with no Location' : `to ${location}`;
  const fix =
    location === null
      ? 'point --url at the route that receives the webhook.'
      : `if ${location} is your endpoint, use it as the URL.`;
  return new CliError(
    `${url} answered ${status}, a redirect ${where}. Not followed: the signed request would reach another server. Stopped; ${fix}`,
    { code: 'REDIRECT', status: response.status, location },
  );
}

export function connectionError(url: string, error: unknown, timeoutMs: number): CliError {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new CliError(`No answer from ${url} within ${timeoutMs} ms: is a handler hanging?`, {
      code: 'TIMEOUT',
    });
  }
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED') {
    return new CliError(
      `Nothing is listening at ${url} (ECONNREFUSED): start your server, or check the port.`,
      { code },
    );
  }
  const reason =
    typeof code === 'string'
      ? code
      : cause instanceof Error
        ? cause.message
        : error instanceof Error
          ? error.message
          : String(error);
  return new CliError(`Could not reach ${url}: ${reason}.`, {
    code: typeof code === 'string' ? code : 'NETWORK_ERROR',
  });
}
