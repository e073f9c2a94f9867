/**
 * `composioWebhook(options)`: the Express middleware. Thin glue over core's receiver: it reads the
 * raw body, passes the headers and writes the receiver's `{ status, headers, body }` as JSON.
 * Status codes, response bodies, dedupe and dispatch are all decided in core.
 */
import {
  type Acceptance,
  createWebhookReceiver,
  createWebhookRouter,
  type ReceiverOptions,
  type ReceiverResponse,
  WebhookConfigError,
  type WebhookDelivery,
  type WebhookPayload,
  type WebhookReceiver,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { settleOnResponse } from '@composio-webhooks/core/node';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { message, PACKAGE_NAME, readExpressBody } from './body.js';

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified delivery (`id`, `attempt`, `version`, typed `event`, `raw`), set by
       * `composioWebhook()` without a `router` (verify-only mode) before it calls `next()`.
       */
      composio?: WebhookDelivery;
    }
  }
}

/** What the middleware does with a request it refuses (bad signature, too large, …). */
export type ComposioWebhookErrorMode =
  /** Answer with the receiver's status and JSON body (default). */
  | 'respond'
  /** Call `next(error)` with the `WebhookError` (it has `.code` and `.status`) for your error middleware. */
  | 'next';

export interface ComposioWebhookOptions extends Omit<ReceiverOptions, 'router'> {
  /**
   * With a router the middleware verifies, dedupes, dispatches to your handlers and answers
   * itself. Without one it verifies, sets `req.composio` and calls `next()` (verify-only mode).
   */
  router?: WebhookRouter;
  /**
   * Verify-only mode: what to do with a request the middleware refuses. `'respond'` (default)
   * answers with the receiver's status; `'next'` passes the `WebhookError` to `next(error)`.
   * With a `router` the middleware always answers itself (use `router.onError`, `onOutcome` or
   * `logger` to observe failures), so `'next'` there is a configuration error.
   */
  onError?: ComposioWebhookErrorMode;
}

/**
 * Receives Composio webhooks in Express 4 or 5. Mount it on the webhook's path, before any body
 * parser or after one that left the raw bytes (see the README):
 *
 * ```ts
 * app.post('/webhooks/composio', composioWebhook({ router }));
 * ```
 *
 * Without options it runs in verify-only mode with the secret from `COMPOSIO_WEBHOOK_SECRET`.
 *
 * Configuration mistakes (empty secret, bad option) throw here, at start-up.
 */
export function composioWebhook(options: ComposioWebhookOptions = {}): RequestHandler {
  if (options === null || typeof options !== 'object') {
    throw new WebhookConfigError(
      message(
        'composioWebhook(options) needs an options object, e.g. composioWebhook({ router }) or composioWebhook({ secret }).',
      ),
    );
  }
  const { router, onError = 'respond', ...receiverOptions } = options;
  if (onError !== 'respond' && onError !== 'next') {
    throw new WebhookConfigError(
      message(`onError must be 'respond' or 'next', got ${JSON.stringify(onError)}.`),
    );
  }
  if (router !== undefined && onError === 'next') {
    throw new WebhookConfigError(
      message(
        "onError: 'next' only applies without a router (verify-only mode). With a router the middleware answers every request itself; observe failures with router.onError(), onOutcome or logger.",
      ),
    );
  }
  const receiver = createWebhookReceiver({
    ...receiverOptions,
    router: router ?? createWebhookRouter(),
  });
  const handle = router === undefined ? verifyOnly(receiver, onError) : dispatching(receiver);

  return (req, res, next) => {
    // Composio only POSTs; leave other methods on the same path to the app (e.g. a GET health check).
    if (req.method !== 'POST') {
      next();
      return;
    }
    handle(req, res, next).catch(next);
  };
}

type Handle = (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** With a router: the receiver verifies, dedupes, dispatches and decides the answer. */
function dispatching(receiver: WebhookReceiver): Handle {
  return async (req, res) => {
    let body: WebhookPayload;
    try {
      body = await readExpressBody(req, receiver.maxBodyBytes);
    } catch (error) {
      send(res, receiver.reject(error));
      return;
    }
    send(res, await receiver.receive({ body, headers: req.headers }));
  };
}

/** Without a router: verify and claim, hand the delivery to the next middleware, settle on the answer. */
function verifyOnly(receiver: WebhookReceiver, onError: ComposioWebhookErrorMode): Handle {
  return async (req, res, next) => {
    let acceptance: Acceptance;
    try {
      const body = await readExpressBody(req, receiver.maxBodyBytes);
      acceptance = await receiver.accept({ body, headers: req.headers });
    } catch (error) {
      const response = receiver.reject(error);
      if (onError === 'next') next(error);
      else send(res, response);
      return;
    }
    if (!acceptance.accepted) {
      // A verified duplicate is not an error: it is answered 200 without running the route again.
      if (onError === 'next' && acceptance.error) next(acceptance.error);
      else send(res, acceptance.response);
      return;
    }
    // The route after us answers: a 2xx records the delivery as processed; any other status, or
    // a connection closed before an answer, releases the claim so Composio's retry is processed.
    settleOnResponse(res, acceptance, {
      packageName: PACKAGE_NAME,
      route: 'the route after composioWebhook()',
    });
    req.composio = acceptance.delivery;
    next();
  };
}

/** Writes the receiver's answer the Express way. */
function send(res: Response, response: ReceiverResponse): void {
  if (res.headersSent) return;
  res.status(response.status);
  if (response.headers) res.set(response.headers);
  res.json(response.body);
}
