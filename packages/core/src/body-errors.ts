/** The errors of reading a body, worded once for the Node and the Web readers. */
import { WebhookError } from './errors.js';

export function payloadTooLarge(packageName: string, limit: number, cause?: unknown): WebhookError {
  return new WebhookError(
    'PAYLOAD_TOO_LARGE',
    `[${packageName}] The body is over the ${limit}-byte limit (maxBodyBytes); answered 413 without reading the rest. Raise maxBodyBytes if your triggers send larger payloads.`,
    cause === undefined ? {} : { cause },
  );
}

export function bodyTimeout(packageName: string, timeoutMs: number): WebhookError {
  return new WebhookError(
    'BODY_TIMEOUT',
    `[${packageName}] The request body did not fully arrive within bodyTimeoutMs (${timeoutMs} ms); answered 408 and closed the connection.`,
  );
}

export function unreadableBody(packageName: string, cause: unknown): WebhookError {
  const reason =
    (cause as { type?: string } | null)?.type ??
    (cause instanceof Error ? cause.message : String(cause));
  return new WebhookError(
    'INVALID_PAYLOAD',
    `[${packageName}] Could not read the request body (${reason}).`,
    { cause },
  );
}
