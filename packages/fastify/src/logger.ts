/**
 * Core's `logger` on Fastify's pino loggers: each request's messages go to its own `request.log`
 * (so they carry Fastify's `reqId`), with the delivery's `webhookId` in the bindings; messages
 * about no request go to `fastify.log`. Core calls `warn(message, details)`; pino wants
 * `warn(object, message)`.
 */
import type { WebhookLogger } from '@composio-webhooks/core';
import { HEADER_ID } from '@composio-webhooks/core/adapter';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** A `WebhookLogger` writing to a pino logger. */
export function pinoLogger(log: () => FastifyBaseLogger): WebhookLogger {
  return {
    warn: (message, details) => log().warn(fieldsOf(details), message),
    error: (message, details) => log().error(fieldsOf(details), message),
  };
}

/** The logger of one request: `request.log`, bound to its webhook-id (only when it logs). */
export function requestLogger(request: FastifyRequest): WebhookLogger {
  return pinoLogger(() => {
    const id = request.headers[HEADER_ID];
    return typeof id === 'string' ? request.log.child({ webhookId: id }) : request.log;
  });
}

/**
 * Core's structured fields (`webhookId`, `eventType`, `code`, `err`, …) become the line's fields
 * (pino serialises `err` as an error); an `Error` goes under `err`, anything else under `details`.
 */
function fieldsOf(details: unknown): Record<string, unknown> {
  if (details === undefined) return {};
  if (details instanceof Error) return { err: details };
  if (typeof details === 'object' && details !== null) return details as Record<string, unknown>;
  return { details };
}
