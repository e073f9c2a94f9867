/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what Nest differs in.
 *
 * The Nest glue over core's exchange, the same on the Express and the Fastify platform: the
 * request as the exchange sees it (the body the body hook read, or the request itself), and
 * answers written through Nest's `HttpServer` adapter. Every decision is the exchange's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceiverResponse } from '@composio-webhooks/core';
import type {
  ExchangeHead,
  ExchangeResult,
  WebhookExchange,
} from '@composio-webhooks/core/adapter';
import { readRawBody } from '@composio-webhooks/core/node';
import type { HttpServer } from '@nestjs/common';
import { PACKAGE_NAME, RAW_BODY_HOW_TO_FIX } from './constants.js';

/**
 * An Express `Request` (itself the Node request) or a Fastify `FastifyRequest` (the Node request
 * is `raw`). `rawBody` is set by Nest's `rawBody: true` on both platforms.
 */
export interface ComposioHttpRequest {
  method?: string;
  headers: IncomingMessage['headers'];
  body?: unknown;
  rawBody?: unknown;
  raw?: IncomingMessage;
}

/** Verify-only: gives the delivery to the guarded route, resolves to its answer. */
export type HandOver = NonNullable<ExchangeHead['handOver']>;
/** An exchange the body hook opened and read the body of: finish it (the guard hands over). */
type ReadBody = (handOver?: HandOver) => Promise<ExchangeResult>;

const readBodies = new WeakMap<IncomingMessage, ReadBody>();

/** Keeps what the body hook read for the route's controller or guard. */
export function keepBody(request: IncomingMessage, finish: ReadBody): void {
  readBodies.set(request, finish);
}

/** What the body hook kept for this request, once. */
export function takeBody(request: IncomingMessage): ReadBody | undefined {
  const finish = readBodies.get(request);
  readBodies.delete(request);
  return finish;
}

/**
 * Runs a request through `exchange`: with the body the hook read, or else from the request
 * (not a `POST`, or a route the hook did not recognise: Nest's `rawBody`, a parser's Buffer, or
 * the unread stream). Rejects only when `onRefusal` throws.
 */
export function finishExchange(
  exchange: WebhookExchange,
  request: ComposioHttpRequest,
  handOver?: HandOver,
): Promise<ExchangeResult> {
  const node = request.raw ?? (request as unknown as IncomingMessage);
  const read = takeBody(node);
  if (read) return read(handOver);
  const length = request.headers['content-length'];
  return exchange.handle({
    method: request.method ?? node.method ?? 'POST',
    headers: request.headers,
    body: (limits) =>
      readRawBody({
        parsedBody: request.body,
        rawBody: request.rawBody,
        stream: node,
        contentLength: Array.isArray(length) ? length[0] : length,
        limits,
        howToFix: RAW_BODY_HOW_TO_FIX,
        packageName: PACKAGE_NAME,
      }),
    ...(handOver && { handOver }),
  });
}

/** The Node response behind a platform response (Fastify's reply keeps it on `raw`). */
export function nodeResponseOf(response: unknown): ServerResponse {
  return ((response as { raw?: ServerResponse }).raw ?? response) as ServerResponse;
}

/** Sets the answer's extra headers (e.g. `retry-after`) through the platform's adapter. */
export function setResponseHeaders(
  adapter: HttpServer,
  response: unknown,
  result: ReceiverResponse,
): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    adapter.setHeader(response, name, value);
  }
}

/** Writes an answer as JSON with its status and headers. */
export function sendReceiverResponse(
  adapter: HttpServer,
  response: unknown,
  result: ReceiverResponse,
): void {
  setResponseHeaders(adapter, response, result);
  adapter.reply(response, result.body, result.status);
}
