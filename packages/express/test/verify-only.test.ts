/**
 * Verify-only mode (no router) over real HTTP, on Express 4 and 5: the delivery reaches the next
 * handler on `req.composio`, and the route's answer settles the dedupe claim.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookDelivery, WebhookRefusal } from '@composio-webhooks/core';
import { buildConnectionExpired, buildTriggerMessage } from '@composio-webhooks/core/testing';
import type { ErrorRequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { type ComposioWebhookOptions, composioWebhook, isWebhookError } from '../src/index.js';
import {
  type App,
  deliver,
  EXPRESS_MAJORS,
  type ExpressModule,
  PATH,
  recorder,
  SECRET,
  sign,
} from './support.js';

interface RouteControl {
  /** Status the route answers with (default 200). */
  status: number;
  /** When set, the route waits for it before answering. */
  wait?: Promise<void>;
  /** When set, the route calls next(error) instead of answering. */
  throwError?: Error;
}

function verifyOnlyApp(express: ExpressModule, options: Partial<ComposioWebhookOptions> = {}) {
  const rec = recorder();
  const control: RouteControl = { status: 200 };
  const seen: Array<{ id: string; type: string; attempt: number | undefined }> = [];
  const started: Array<() => void> = [];
  const errors: unknown[] = [];
  const app: App = express();
  app.post(
    PATH,
    composioWebhook({ secret: SECRET, logger: rec.logger, onOutcome: rec.onOutcome, ...options }),
    async (req, res, next) => {
      expectTypeOf(req.composio).toEqualTypeOf<WebhookDelivery | undefined>();
      const delivery = req.composio;
      if (!delivery) {
        res.status(418).end();
        return;
      }
      seen.push({ id: delivery.id, type: delivery.event.type, attempt: delivery.attempt });
      for (const notify of started.splice(0)) notify();
      if (control.wait) await control.wait;
      if (control.throwError) {
        next(control.throwError);
        return;
      }
      res.status(control.status).json({ handledBy: 'route', type: delivery.event.type });
    },
  );
  const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
    errors.push(error);
    res.status(isWebhookError(error) ? error.status : 500).json({ errorHandler: true });
  };
  app.use(errorHandler);
  const routeStarted = () =>
    new Promise<void>((resolve) => {
      started.push(resolve);
    });
  return { app, rec, control, seen, errors, routeStarted };
}

const later = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe.each(EXPRESS_MAJORS)('verify-only mode on %s', (_name, express) => {
  it('puts the verified delivery on req.composio and calls next()', async () => {
    const { app, seen, rec } = verifyOnlyApp(express);
    const event = buildConnectionExpired();
    const signed = await sign(event);
    const res = await deliver(app, signed).set('x-composio-delivery-attempt', '2').expect(200);
    expect(res.body).toEqual({ handledBy: 'route', type: 'composio.connected_account.expired' });
    expect(seen).toEqual([{ id: event.id, type: event.type, attempt: 2 }]);
    await vi.waitFor(() => expect(rec.outcomes.map((o) => o.type)).toEqual(['processed']));
  });

  it('answers a duplicate of an answered delivery 200 without calling the route', async () => {
    const { app, seen, rec } = verifyOnlyApp(express);
    const event = buildTriggerMessage();
    await deliver(app, await sign(event)).expect(200);
    await vi.waitFor(() => expect(rec.outcomes).toHaveLength(1));
    const duplicate = await deliver(app, await sign(event, { timestamp: later(1) })).expect(200);
    expect(duplicate.body).toEqual({ ok: true, id: event.id, duplicate: true });
    expect(seen).toHaveLength(1);
  });

  it('releases the claim when the route answers an error status, so the retry runs the route', async () => {
    const { app, seen, rec, control } = verifyOnlyApp(express);
    const event = buildTriggerMessage();
    control.status = 503;
    await deliver(app, await sign(event)).expect(503);
    await vi.waitFor(() => expect(rec.outcomes.map((o) => o.type)).toEqual(['handler-failed']));
    expect(rec.errors.join('\n')).toContain('answered 503');

    control.status = 200;
    await deliver(app, await sign(event, { timestamp: later(1) })).expect(200);
    await vi.waitFor(() =>
      expect(rec.outcomes.map((o) => o.type)).toEqual(['handler-failed', 'processed']),
    );
    const third = await deliver(app, await sign(event, { timestamp: later(2) })).expect(200);
    expect(third.body.duplicate).toBe(true);
    expect(seen.map((s) => s.id)).toEqual([event.id, event.id]);
  });

  it('releases the claim when the route calls next(error)', async () => {
    const { app, seen, rec, control, errors } = verifyOnlyApp(express);
    const event = buildTriggerMessage();
    control.throwError = new Error('downstream failed');
    const res = await deliver(app, await sign(event)).expect(500);
    expect(res.body).toEqual({ errorHandler: true });
    expect(errors).toEqual([control.throwError]);
    await vi.waitFor(() => expect(rec.outcomes.map((o) => o.type)).toEqual(['handler-failed']));

    control.throwError = undefined;
    await deliver(app, await sign(event, { timestamp: later(1) })).expect(200);
    expect(seen).toHaveLength(2);
  });

  it('releases the claim when the client disconnects before the route answers', async () => {
    const { app, seen, rec, control, routeStarted } = verifyOnlyApp(express);
    let unblock: () => void = () => {};
    control.wait = new Promise<void>((resolve) => {
      unblock = resolve;
    });
    const event = buildTriggerMessage();
    const started = routeStarted();
    const server = app.listen(0, '127.0.0.1');
    try {
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const signed = await sign(event);
      const client = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: PATH,
        headers: signed.headers,
      });
      const clientError = once(client, 'error');
      client.end(signed.body);
      // The route has the delivery; the client gives up and closes the connection.
      await started;
      client.destroy();
      await clientError;
      await vi.waitFor(() => expect(rec.outcomes.map((o) => o.type)).toEqual(['handler-failed']));
      expect(rec.errors.join('\n')).toContain('connection closed');
    } finally {
      unblock();
      server.close();
    }

    control.wait = undefined;
    await deliver(app, await sign(event, { timestamp: later(1) })).expect(200);
    expect(seen).toHaveLength(2);
  });

  it('answers 409 to a duplicate that arrives while the route is still working', async () => {
    const { app, control, routeStarted } = verifyOnlyApp(express);
    let unblock: () => void = () => {};
    control.wait = new Promise<void>((resolve) => {
      unblock = resolve;
    });
    const signed = await sign(buildTriggerMessage());
    const started = routeStarted();
    const first = deliver(app, signed).then((res) => res);
    await started;
    const second = await deliver(app, signed);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('DUPLICATE_IN_FLIGHT');
    unblock();
    expect((await first).status).toBe(200);
  });

  it('answers refused requests with the receiver status by default, without calling the route', async () => {
    const { app, seen, errors } = verifyOnlyApp(express);
    const forged = await sign(buildTriggerMessage(), { secret: 'wrong' });
    const res = await deliver(app, forged).expect(401);
    expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    const bad = await deliver(app, await sign('not json', { id: 'msg_x' })).expect(400);
    expect(bad.body.error.code).toBe('INVALID_PAYLOAD');
    await request(app).post(PATH).send('{}').set('content-type', 'application/json').expect(401);
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('hands refused requests to next(error) when onRefusal throws', async () => {
    const { app, seen, errors } = verifyOnlyApp(express, {
      onRefusal: throwRefusal,
      maxBodyBytes: 2048,
    });
    const forged = await sign(buildTriggerMessage(), { secret: 'wrong' });
    const res = await deliver(app, forged).expect(401);
    expect(res.body).toEqual({ errorHandler: true });
    const stale = await sign(buildTriggerMessage(), { timestamp: later(-3600) });
    await deliver(app, stale).expect(401);
    const big = await sign(
      buildTriggerMessage({ slug: 'LARGE_EVENT', data: { blob: 'x'.repeat(4096) } }),
    );
    await deliver(app, big).expect(413);
    expect(errors.map((e) => (isWebhookError(e) ? [e.code, e.status] : e))).toEqual([
      ['INVALID_SIGNATURE', 401],
      ['TIMESTAMP_OUT_OF_TOLERANCE', 401],
      ['PAYLOAD_TOO_LARGE', 413],
    ]);
    expect(seen).toEqual([]);
  });

  it('answers a duplicate 200 with a throwing onRefusal too (a duplicate is not a refusal)', async () => {
    const { app, seen, errors, rec } = verifyOnlyApp(express, { onRefusal: throwRefusal });
    const event = buildTriggerMessage();
    await deliver(app, await sign(event)).expect(200);
    await vi.waitFor(() => expect(rec.outcomes).toHaveLength(1));
    const duplicate = await deliver(app, await sign(event, { timestamp: later(1) })).expect(200);
    expect(duplicate.body.duplicate).toBe(true);
    expect(errors).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it("lets Express's default error handler answer with the WebhookError's status", async () => {
    const app = express();
    app.post(
      PATH,
      composioWebhook({ secret: SECRET, onRefusal: throwRefusal, logger: false }),
      (_req, res) => {
        res.status(200).end();
      },
    );
    const res = await deliver(app, await sign(buildTriggerMessage(), { secret: 'wrong' }));
    expect(res.status).toBe(401);
  });
});

function throwRefusal(refusal: WebhookRefusal): never {
  throw refusal.error;
}
