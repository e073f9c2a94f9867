/**
 * Core's `logger` option on Fastify's pino loggers: each message goes to the `request.log` of
 * the request it is about (so it carries Fastify's `reqId`), with the delivery's `webhookId`
 * in the bindings, or to `fastify.log` when no request is in scope. Core calls
 * `warn(message, details)`; pino wants `warn(object, message)`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WebhookLogger } from '@composio-webhooks/core';
import { HEADER_ID } from '@composio-webhooks/core/adapter';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

export interface RequestLogging {
  logger: WebhookLogger;
  /** Runs `work` with `request` as the one its log lines are about. */
  within<T>(request: FastifyRequest, work: () => T): T;
}

export function requestLogging(fallback: FastifyBaseLogger): RequestLogging {
  const current = new AsyncLocalStorage<FastifyRequest>();
  const target = (): FastifyBaseLogger => {
    const request = current.getStore();
    if (!request) return fallback;
    const id = request.headers[HEADER_ID];
    return typeof id === 'string' ? request.log.child({ webhookId: id }) : request.log;
  };
  return {
    logger: {
      warn: (message, details) => target().warn(fieldsOf(details), message),
      error: (message, details) => target().error(fieldsOf(details), message),
    },
    within: (request, work) => current.run(request, work),
  };
}

/** pino serialises an `err` field as an error; anything else goes under `details`. */
function fieldsOf(details: unknown): Record<string, unknown> {
  if (details === undefined) return {};
  return details instanceof Error ? { err: details } : { details };
}
