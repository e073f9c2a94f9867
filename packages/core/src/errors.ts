/**
 * One error family for the whole project. Every error carries a stable `code` that tests and
 * users match on, and the HTTP `status` every adapter answers with.
 */
import type { WebhookDelivery } from './events.js';

export type WebhookErrorCode =
  | 'MISSING_HEADERS'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'INVALID_SIGNATURE'
  | 'INVALID_PAYLOAD'
  | 'PAYLOAD_TOO_LARGE'
  | 'DUPLICATE_IN_FLIGHT'
  | 'HANDLER_FAILED'
  | 'STORE_UNAVAILABLE'
  | 'RAW_BODY_UNAVAILABLE'
  | 'INVALID_CONFIG'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_ENCODING'
  | 'BODY_TIMEOUT'
  | 'HANDLER_TIMEOUT';

/** The HTTP status that belongs to each code (the README's status table). */
export const WEBHOOK_ERROR_STATUS: Readonly<Record<WebhookErrorCode, number>> = Object.freeze({
  MISSING_HEADERS: 401,
  INVALID_TIMESTAMP: 401,
  TIMESTAMP_OUT_OF_TOLERANCE: 401,
  INVALID_SIGNATURE: 401,
  INVALID_PAYLOAD: 400,
  PAYLOAD_TOO_LARGE: 413,
  DUPLICATE_IN_FLIGHT: 409,
  HANDLER_FAILED: 500,
  STORE_UNAVAILABLE: 503,
  RAW_BODY_UNAVAILABLE: 500,
  INVALID_CONFIG: 500,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_ENCODING: 415,
  BODY_TIMEOUT: 408,
  HANDLER_TIMEOUT: 503,
});

const BRAND = Symbol.for('composio-webhooks.WebhookError');

/** Where every error code has its section (its anchor is the code in lower case). */
export const TROUBLESHOOTING_URL =
  'https://github.com/composio-webhooks/composio-webhooks/blob/main/TROUBLESHOOTING.md';

/** The troubleshooting section of a code. */
export function troubleshootingLink(code: WebhookErrorCode): string {
  return `${TROUBLESHOOTING_URL}#${code.toLowerCase()}`;
}
export const PACKAGE_PREFIX = '[@composio-webhooks/core]';

export interface WebhookErrorOptions {
  cause?: unknown;
  /** Override the status of the code (rarely needed). */
  status?: number;
}

export class WebhookError extends Error {
  readonly code: WebhookErrorCode;
  readonly status: number;
  /** The TROUBLESHOOTING.md section of this code (the message ends with it). */
  readonly docs: string;

  constructor(code: WebhookErrorCode, message: string, options: WebhookErrorOptions = {}) {
    const docs = troubleshootingLink(code);
    super(
      message.includes(docs) ? message : `${message} See ${docs}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.docs = docs;
    this.name = 'WebhookError';
    this.code = code;
    this.status = options.status ?? WEBHOOK_ERROR_STATUS[code];
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A JSON-safe view: code, status and message. Never contains the secret or the body. */
  toJSON(): { name: string; code: WebhookErrorCode; status: number; message: string } {
    return { name: this.name, code: this.code, status: this.status, message: this.message };
  }
}

export type VerificationErrorCode =
  | 'MISSING_HEADERS'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'INVALID_SIGNATURE';

/** The request is not provably from Composio: 401. */
export class WebhookVerificationError extends WebhookError {
  declare readonly code: VerificationErrorCode;
  constructor(code: VerificationErrorCode, message: string, options?: WebhookErrorOptions) {
    super(code, message, options);
    this.name = 'WebhookVerificationError';
  }
}

/** The signature holds but the body cannot be used (not JSON, not a Composio payload): 400. */
export class WebhookPayloadError extends WebhookError {
  declare readonly code: 'INVALID_PAYLOAD';
  constructor(message: string, options?: WebhookErrorOptions) {
    super('INVALID_PAYLOAD', message, options);
    this.name = 'WebhookPayloadError';
  }
}

/** A configuration mistake. Thrown at start-up (construction), never per request. */
export class WebhookConfigError extends WebhookError {
  declare readonly code: 'INVALID_CONFIG';
  constructor(message: string, options?: WebhookErrorOptions) {
    super('INVALID_CONFIG', message, options);
    this.name = 'WebhookConfigError';
  }
}

/** Handler failures of one delivery, `AggregateError`-style. Status 500: Composio retries. */
export class WebhookHandlerError extends WebhookError {
  /** What each failing handler threw, in registration order. */
  readonly errors: readonly unknown[];
  /** The delivery whose handlers failed. */
  readonly delivery: WebhookDelivery;

  constructor(errors: readonly unknown[], delivery: WebhookDelivery) {
    const first = errors[0];
    const detail = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
    super(
      'HANDLER_FAILED',
      message(
        `${errors.length} handler${errors.length === 1 ? '' : 's'} failed for ${delivery.event.type} delivery ${delivery.id} (${detail}). The delivery is answered with 500 so Composio retries it.`,
      ),
      { cause: first },
    );
    this.name = 'WebhookHandlerError';
    this.errors = errors;
    this.delivery = delivery;
  }
}

/**
 * True for any `WebhookError`, also one created by another copy of this package (two versions
 * in `node_modules`, or ESM and CJS copies loaded side by side), where `instanceof` fails.
 */
export function isWebhookError(value: unknown): value is WebhookError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value instanceof WebhookError || (value as Record<symbol, unknown>)[BRAND] === true)
  );
}

/** Builds a message with the package prefix, so users see at once where it comes from. */
export function message(text: string): string {
  return `${PACKAGE_PREFIX} ${text}`;
}
