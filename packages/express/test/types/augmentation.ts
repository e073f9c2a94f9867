/**
 * Compiled (never run) against @types/express 5 (tsconfig.json) and 4 (tsconfig.express4.json):
 * the middleware is a RequestHandler and `req.composio` is typed through declaration merging in
 * both majors.
 */
import type { WebhookDelivery } from '@composio-webhooks/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { composioWebhook, keepRawBody } from '../../src/index.js';

export const handler: RequestHandler = composioWebhook({ secret: 'typed' });

export function route(req: Request, res: Response, next: NextFunction): void {
  const delivery: WebhookDelivery | undefined = req.composio;
  if (!delivery) {
    next();
    return;
  }
  const { event } = delivery;
  if (event.type === 'composio.trigger.message') {
    const slug: string = event.metadata.trigger_slug;
    res.json({ slug });
    return;
  }
  res.json({ type: event.type });
}

// keepRawBody fits body-parser's `verify` option.
export const verify: (req: Request, res: Response, buf: Buffer, encoding: string) => void =
  keepRawBody;
