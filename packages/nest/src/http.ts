/**
 * The platform glue: where the raw body and headers are on a Nest request, and how an answer is
 * written, on the Express and the Fastify platform alike. Core's exchange decides the rest.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ReceiverResponse } from '@composio-webhooks/core';
import type { ExchangeRequest } from '@composio-webhooks/core/adapter';
import { readRawBody } from '@composio-webhooks/core/node';
import type { HttpServer } from '@nestjs/common';
import { PACKAGE_NAME, RAW_BODY_HOW_TO_FIX } from './constants.js';

/**
 * What the module reads from a request: an Express `Request` (itself the Node request) or a
 * Fastify `FastifyRequest` (the Node request is `raw`). `rawBody` is set by Nest's
 * `rawBody: true` on both platforms.
 */
export interface ComposioHttpRequest {
  method?: string;
  headers: IncomingHttpHeaders;
  body?: unknown;
  rawBody?: unknown;
  raw?: IncomingMessage;
}

function isStream(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).on === 'function' &&
    typeof (value as Readable).pipe === 'function'
  );
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The Node request behind a platform request (Fastify keeps it on `raw`). */
function nodeRequestOf(request: ComposioHttpRequest): IncomingMessage {
  if (isStream(request.raw)) return request.raw;
  if (isStream(request)) return request as unknown as IncomingMessage;
  throw new TypeError(
    `[${PACKAGE_NAME}] Expected an Express or Fastify request object, got ${typeof request}.`,
  );
}

/** The exchange's view of a Nest request (the hand-over is added by the guard). */
export function exchangeRequest(request: ComposioHttpRequest): ExchangeRequest {
  const headers = request.headers ?? {};
  const node = nodeRequestOf(request);
  return {
    method: request.method ?? node.method ?? 'POST',
    headers,
    body: (limits) =>
      readRawBody({
        parsedBody: request.body,
        rawBody: request.rawBody,
        stream: node,
        contentLength: headerOf(headers, 'content-length'),
        limits,
        howToFix: RAW_BODY_HOW_TO_FIX,
        packageName: PACKAGE_NAME,
      }),
  };
}

/** The Node response behind a platform response (Fastify's reply keeps it on `raw`). */
export function nodeResponseOf(response: unknown): ServerResponse | undefined {
  const candidate = (response as { raw?: unknown } | null)?.raw ?? response;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof (candidate as ServerResponse).once === 'function' &&
    'statusCode' in candidate
  ) {
    return candidate as ServerResponse;
  }
  return undefined;
}

/** Sets the answer's extra headers (e.g. `retry-after`) through the platform's adapter. */
export function setResponseHeaders(
  adapter: HttpServer,
  response: unknown,
  result: ReceiverResponse,
): void {
  if (!result.headers) return;
  for (const [name, value] of Object.entries(result.headers)) {
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
