/**
 * The one mapping from outcomes to HTTP responses that every adapter answers with. Bodies are
 * small JSON objects with a stable `code` and a fixed public message: never the secret, the
 * expected signature, the body, or the detailed (server-side) error message.
 */
import { isWebhookError, WEBHOOK_ERROR_STATUS, type WebhookErrorCode } from './errors.js';

export type ReceiverResponseBody =
  | { ok: true; id: string; duplicate?: true; queued?: true }
  | { ok: false; error: { code: WebhookErrorCode; message: string } };

export interface ReceiverResponse {
  status: number;
  body: ReceiverResponseBody;
  /** Extra response headers (e.g. `retry-after` on 409/503). */
  headers?: Record<string, string>;
}

const PUBLIC_MESSAGES: Readonly<Record<WebhookErrorCode, string>> = {
  MISSING_HEADERS: 'Missing webhook signature headers.',
  INVALID_TIMESTAMP: 'Invalid webhook-timestamp header.',
  TIMESTAMP_OUT_OF_TOLERANCE: 'Webhook timestamp is outside the allowed tolerance.',
  INVALID_SIGNATURE: 'Webhook signature verification failed.',
  INVALID_PAYLOAD: 'The body is not a valid Composio webhook payload.',
  PAYLOAD_TOO_LARGE: 'The webhook body is larger than this endpoint accepts.',
  DUPLICATE_IN_FLIGHT: 'This delivery is already being processed; retry later.',
  HANDLER_FAILED: 'The webhook handler failed; retry later.',
  STORE_UNAVAILABLE: 'The idempotency store is unavailable; retry later.',
  RAW_BODY_UNAVAILABLE: 'The server could not read the raw webhook body.',
  INVALID_CONFIG: 'The webhook endpoint is misconfigured.',
  METHOD_NOT_ALLOWED: 'Composio delivers webhooks with POST.',
  UNSUPPORTED_ENCODING: 'Compressed webhook bodies are not accepted; send identity encoding.',
  BODY_TIMEOUT: 'The request body did not arrive in time.',
  HANDLER_TIMEOUT: 'The webhook handler is still running; retry later.',
};

/** Seconds after which a 409/503 is worth retrying. */
const RETRY_AFTER: Partial<Record<WebhookErrorCode, string>> = {
  DUPLICATE_IN_FLIGHT: '5',
  STORE_UNAVAILABLE: '5',
  HANDLER_TIMEOUT: '30',
};

/**
 * The 200 answer. `duplicate`: a copy of a delivery already processed. `queued`: an inbox router
 * stored the job, and its handlers run later on a worker (the CLI's send-test says so).
 */
export function successResponse(id: string, duplicate = false, queued = false): ReceiverResponse {
  if (duplicate) return { status: 200, body: { ok: true, id, duplicate: true } };
  return { status: 200, body: queued ? { ok: true, id, queued: true } : { ok: true, id } };
}

export function errorResponseFor(code: WebhookErrorCode): ReceiverResponse {
  const retryAfter = RETRY_AFTER[code];
  const response: ReceiverResponse = {
    status: WEBHOOK_ERROR_STATUS[code],
    body: { ok: false, error: { code, message: PUBLIC_MESSAGES[code] } },
  };
  if (retryAfter !== undefined) response.headers = { 'retry-after': retryAfter };
  return response;
}

/** The response for any error: a `WebhookError` answers with its code; anything else is a 500. */
export function errorResponse(error: unknown): ReceiverResponse {
  if (isWebhookError(error)) {
    const response = errorResponseFor(error.code);
    if (error.status !== response.status) response.status = error.status;
    return response;
  }
  return errorResponseFor('HANDLER_FAILED');
}
