/**
 * Where a Nest request keeps what the exchange needs, and how an answer is written, on the
 * Express and the Fastify platform alike (through Nest's `HttpServer` adapter).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceiverResponse } from '@composio-webhooks/core';
import type { ExchangeRequest } from '@composio-webhooks/core/adapter';
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

/** The Node request behind a platform request (Fastify keeps it on `raw`). */
export function nodeRequestOf(request: ComposioHttpRequest): IncomingMessage {
  return request.raw ?? (request as unknown as IncomingMessage);
}

/** The Node response behind a platform response (Fastify's reply keeps it on `raw`). */
export function nodeResponseOf(response: unknown): ServerResponse {
  return ((response as { raw?: ServerResponse }).raw ?? response) as ServerResponse;
}

/**
 * The exchange's view of a request the body hook did not read (not a `POST`, or a route it
 * could not recognise): the body from Nest's `rawBody`, a parser's Buffer, or the unread stream.
 */
export function exchangeRequest(request: ComposioHttpRequest): ExchangeRequest {
  const node = nodeRequestOf(request);
  const length = request.headers['content-length'];
  return {
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
  };
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
