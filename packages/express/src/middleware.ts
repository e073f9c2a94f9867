/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what Express differs in.
 *
 * `composioWebhook(options)`: Express 4 and 5 glue over core's exchange. It says where Express
 * keeps the body, hands the delivery to the next handler in verify-only mode and writes answers
 * the Express way; every decision (statuses, dedupe, settling, which requests are ours) is core's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookDelivery } from '@composio-webhooks/core';
import {
  type AdapterOptions,
  createExchange,
  type ExchangeResult,
} from '@composio-webhooks/core/adapter';
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
 * Receives Composio webhooks in Express 4 or 5. With a `router` it verifies, dedupes, dispatches
 * and answers; without one it verifies, sets `req.composio` and calls `next()`, and your route's
 * answer settles the delivery. With `path` (mounted app-wide) it serves `POST` there and passes
 * everything else on. Configuration mistakes throw `WebhookConfigError` here, at start-up.
 *
 * @param options The options every adapter takes (`router`, `path`, `secret`, `idempotency`, …).
 * @example
 * ```ts
 * app.post('/webhooks/composio', composioWebhook({ router })); // before express.json()
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/express#readme
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
 * `composioWebhook()` can verify a request whose body was already parsed.
 *
 * @param req The request `express.json()` is parsing.
 * @param _res Unused.
 * @param buf The raw bytes, kept as `req.rawBody`.
 * @example
 * ```ts
 * app.use(express.json({ verify: keepRawBody })); // then composioWebhook() anywhere after it
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/express#where-to-mount-it
 */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  // Object.assign: other packages' typings (e.g. @koa/bodyparser) declare IncomingMessage.rawBody as a string.
  Object.assign(req, { rawBody: buf });
}
