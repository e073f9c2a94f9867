/**
 * Logging that production tools can read: every line core writes carries the delivery it is
 * about as structured fields (`webhookId`, `eventType`, `attempt`, `code`, `err`), and the
 * `logger` option takes console, pino (and so Fastify's `app.log`/`request.log`), winston and
 * Nest's `Logger` as they are. Their call shapes differ: pino takes `(fields, message)`, the
 * others `(message, fields)`. The shape is detected once, when the receiver is created.
 */
import type { WebhookDelivery } from './events.js';

/**
 * Where core's warnings and errors go. Anything with `warn` and `error` methods: console,
 * pino, winston, Nest's `Logger`, or your own. `info` (or Nest's `log`) is used for lines logged
 * at `'info'` (see `unmatchedLogLevel`); a logger without either skips them.
 */
export interface WebhookLogger {
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
  info?(message: string, details?: unknown): void;
}

/** The level of a line core may log at the user's choice, or `false` for none. */
export type WebhookLogLevel = 'info' | 'warn' | false;

/** The structured fields of one log line (absent when unknown). */
export interface WebhookLogFields {
  /** `webhook-id` of the delivery. */
  webhookId?: string;
  /** The event's `type`, e.g. `composio.trigger.message`. */
  eventType?: string;
  /** `x-composio-delivery-attempt`, when sent. */
  attempt?: number;
  /** The `WebhookError` code. */
  code?: string;
  /** The request path, when the adapter knows it. */
  path?: string;
  /** The underlying error (a handler's throw, the store's failure). Named as pino expects. */
  err?: unknown;
}

/** Core's view of the user's logger: one call shape, whatever the library. */
export interface WebhookLog {
  info(message: string, fields: WebhookLogFields): void;
  warn(message: string, fields: WebhookLogFields): void;
  error(message: string, fields: WebhookLogFields): void;
}

/**
 * pino (and Fastify, whose logger is pino) takes the fields object first and the message
 * second; `logger.warn(message, fields)` would drop the fields. A pino logger is recognised by
 * `bindings()` and `levels.values`, which pino has had since v5.
 */
function isPinoStyle(logger: WebhookLogger): boolean {
  const candidate = logger as unknown as {
    bindings?: unknown;
    levels?: { values?: unknown };
  };
  return (
    typeof candidate.bindings === 'function' &&
    typeof candidate.levels === 'object' &&
    candidate.levels !== null &&
    typeof candidate.levels.values === 'object'
  );
}

/** Adapts the `logger` option to one call shape, or `undefined` for `logger: false`. */
export function createWebhookLog(
  logger: WebhookLogger | false | undefined,
): WebhookLog | undefined {
  if (logger === false) return undefined;
  const target = logger ?? console;
  if (isPinoStyle(target)) {
    const pino = target as unknown as {
      info(fields: WebhookLogFields, message: string): void;
      warn(fields: WebhookLogFields, message: string): void;
      error(fields: WebhookLogFields, message: string): void;
    };
    return {
      info: (message, fields) => pino.info(fields, message),
      warn: (message, fields) => pino.warn(fields, message),
      error: (message, fields) => pino.error(fields, message),
    };
  }
  // console prints a `{}` it is given: pass only fields there are.
  const args = (message: string, fields: WebhookLogFields): [string, WebhookLogFields?] =>
    hasFields(fields) ? [message, fields] : [message];
  // Nest's Logger has `log` where the others have `info`.
  const info = target.info ?? (target as { log?: WebhookLogger['info'] }).log;
  return {
    info: info ? (message, fields) => info.call(target, ...args(message, fields)) : () => {},
    warn: (message, fields) => target.warn(...args(message, fields)),
    error: (message, fields) => target.error(...args(message, fields)),
  };
}

function hasFields(fields: WebhookLogFields): boolean {
  for (const key in fields) {
    if (fields[key as keyof WebhookLogFields] !== undefined) return true;
  }
  return false;
}

/** The fields that name a delivery. */
export function deliveryFields(delivery: WebhookDelivery | undefined): WebhookLogFields {
  if (!delivery) return {};
  const fields: WebhookLogFields = { webhookId: delivery.id, eventType: delivery.event.type };
  if (delivery.attempt !== undefined) fields.attempt = delivery.attempt;
  return fields;
}
