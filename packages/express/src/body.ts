/**
 * Getting the exact raw body of an Express request, whatever body parser ran before the
 * middleware. The decision itself is core's `readRawBody`; this file only says where Express
 * keeps things and how to fix an Express set-up that lost the raw bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookPayload } from '@composio-webhooks/core';
import { readRawBody } from '@composio-webhooks/core/node';
import type { Request } from 'express';

export const PACKAGE_NAME = '@composio-webhooks/express';

/** Prefixes a message with this package's name, so users see at once where it comes from. */
export function message(text: string): string {
  return `[${PACKAGE_NAME}] ${text}`;
}

export const HOW_TO_FIX =
  'Fix the Express set-up in one of these ways: ' +
  "(1) register composioWebhook() before express.json(), e.g. app.post('/webhooks/composio', composioWebhook(options)) ahead of app.use(express.json()); " +
  "(2) give its path a raw parser: app.post('/webhooks/composio', express.raw({ type: 'application/json', limit: '1mb' }), composioWebhook(options)); " +
  '(3) keep the raw bytes in your JSON parser: app.use(express.json({ verify: keepRawBody })), with keepRawBody from @composio-webhooks/express (it sets req.rawBody).';

/**
 * A `verify` callback for `express.json()` (body-parser) that keeps the raw bytes on
 * `req.rawBody`, so `composioWebhook()` can verify a request whose body was already parsed:
 *
 * ```ts
 * app.use(express.json({ verify: keepRawBody }));
 * ```
 */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  // Object.assign: other packages' typings (e.g. @koa/bodyparser) declare IncomingMessage.rawBody as a string.
  Object.assign(req, { rawBody: buf });
}

/** The raw body of `req`: a Buffer left by `express.raw()`, a kept `req.rawBody`, or the unread stream. */
export function readExpressBody(req: Request, limit: number): Promise<WebhookPayload> {
  return readRawBody({
    parsedBody: req.body,
    rawBody: (req as Request & { rawBody?: unknown }).rawBody,
    stream: req,
    contentType: req.headers['content-type'],
    contentLength: req.headers['content-length'],
    limit,
    howToFix: HOW_TO_FIX,
    packageName: PACKAGE_NAME,
  });
}
