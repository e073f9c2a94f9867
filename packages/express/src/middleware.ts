/**
 * `composioWebhook(options)`: Express 4 and 5 glue over core's exchange. It says where Express
 * keeps the body, hands the delivery to the next handler in verify-only mode and writes answers
 * the Express way; every decision (statuses, dedupe, settling, which requests are ours) is core's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdapterOptions, WebhookDelivery } from '@composio-webhooks/core';
import { createExchange, type ExchangeResult } from '@composio-webhooks/core/adapter';
import { observeNodeResponse, readNodeRequest } from '@composio-webhooks/core/node';
import type { RequestHandler, Response } from 'express';

declare global {
  namespace Express {
    interface Request {
      /** The verified delivery, set by `composioWebhook()` without a `router` before `next()`. */
      composio?: WebhookDelivery;
    }
  }
}

const PACKAGE_NAME = '@composio-webhooks/express';
const HOW_TO_FIX =
  'Mount composioWebhook() before express.json(), or keep the raw bytes with express.json({ verify: keepRawBody }). See TROUBLESHOOTING.md#raw_body_unavailable.';

/** The options of every adapter (core's `AdapterOptions`). */
export type ComposioWebhookOptions = AdapterOptions;

/**
 * Receives Composio webhooks in Express 4 or 5: `app.post('/webhooks/composio',
 * composioWebhook({ router }))`. Without a router it verifies, sets `req.composio` and calls
 * `next()`; your route's answer settles the delivery. Configuration mistakes throw here.
 */
export function composioWebhook(options?: ComposioWebhookOptions): RequestHandler {
  const exchange = createExchange(options, {
    packageName: PACKAGE_NAME,
    kind: 'middleware',
    route: 'the route after composioWebhook()',
  });
  return (req, res, next) => {
    exchange
      .handle({
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: (limits) =>
          readNodeRequest(req, limits, { packageName: PACKAGE_NAME, howToFix: HOW_TO_FIX }),
        handOver(delivery) {
          req.composio = delivery;
          next();
          return observeNodeResponse(res);
        },
      })
      .then((result) => write(result, res, next), next);
  };
}

function write(result: ExchangeResult, res: Response, next: (error?: unknown) => void): void {
  if (result.type === 'pass') next();
  else if (result.type === 'route-failed') next(result.error);
  else if (result.type === 'respond' && !res.headersSent) {
    res.status(result.response.status);
    if (result.response.headers) res.set(result.response.headers);
    res.json(result.response.body);
  }
}

/**
 * A `verify` callback for `express.json()` that keeps the raw bytes on `req.rawBody`, so
 * `composioWebhook()` can verify a request whose body was already parsed:
 * `app.use(express.json({ verify: keepRawBody }))`.
 */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  // Object.assign: other packages' typings (e.g. @koa/bodyparser) declare IncomingMessage.rawBody as a string.
  Object.assign(req, { rawBody: buf });
}
