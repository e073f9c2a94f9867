/**
 * Verify-only mode (no `router`): the adapter verifies and claims, puts the delivery on
 * `ctx.state.composio`, runs the rest of the chain and settles the claim from its outcome.
 */
import {
  buildConnectionExpired,
  buildTriggerMessage,
  buildV1TriggerPayload,
} from '@composio-webhooks/core/testing';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { type ComposioState, composioWebhook, type WebhookDelivery } from '../src/index.js';
import {
  deferred,
  deliver,
  KOA_VERSIONS,
  type KoaClass,
  SECRET,
  sign,
  silent,
  WEBHOOK_PATH,
} from './support.js';

type Handler = Middleware<ComposioState>;

/** `app.use(webhook)` then the user's handler, behind an error middleware that records throws. */
function plainApp(Koa: KoaClass, handler: Handler, extra = {}) {
  const seen: WebhookDelivery[] = [];
  const thrown: unknown[] = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      thrown.push(error);
      ctx.status = 500;
      ctx.body = { handledBy: 'app error middleware' };
    }
  });
  app.use(composioWebhook({ secret: SECRET, path: WEBHOOK_PATH, ...silent, ...extra }));
  app.use(async (ctx, next) => {
    seen.push(ctx.state.composio as WebhookDelivery);
    await (handler as Middleware)(ctx, next);
  });
  return { app, seen, thrown };
}

describe.each(KOA_VERSIONS)('$name', ({ Koa }) => {
  it('puts the verified delivery on ctx.state.composio and keeps the handler response', async () => {
    const { app, seen } = plainApp(Koa, (ctx) => {
      ctx.status = 202;
      ctx.body = { queued: ctx.state.composio.id, type: ctx.state.composio.event.type };
    });
    const event = buildConnectionExpired();
    const response = await deliver(app.callback(), await sign(event)).expect(202);
    expect(response.body).toEqual({ queued: event.id, type: event.type });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.event).toEqual(event);
    expect(seen[0]?.version).toBe('V3');
  });

  it('normalizes legacy payloads before the handler sees them', async () => {
    const { app, seen } = plainApp(Koa, (ctx) => {
      ctx.body = 'ok';
    });
    const legacy = buildV1TriggerPayload();
    await deliver(app.callback(), await sign(legacy)).expect(200);
    expect(seen[0]?.version).toBe('V1');
    expect(seen[0]?.event.type).toBe('composio.trigger.message');
    expect(seen[0]?.raw).toEqual(legacy);
  });

  it('answers the receiver 200 when the handler sets no response, and dedupes the retry', async () => {
    let runs = 0;
    const { app } = plainApp(Koa, () => {
      runs += 1;
    });
    const event = buildTriggerMessage();
    const first = await deliver(app.callback(), await sign(event)).expect(200);
    expect(first.body).toEqual({ ok: true, id: event.id });
    const retry = await sign(event, { timestamp: Math.floor(Date.now() / 1000) + 5 });
    const second = await deliver(app.callback(), retry).expect(200);
    expect(second.body).toEqual({ ok: true, id: event.id, duplicate: true });
    expect(runs).toBe(1);
  });

  it('answers duplicates after a 2xx handler response without calling next()', async () => {
    let runs = 0;
    const { app } = plainApp(Koa, (ctx) => {
      runs += 1;
      ctx.status = 204;
    });
    const signed = await sign(buildTriggerMessage());
    await deliver(app.callback(), signed).expect(204);
    const duplicate = await deliver(app.callback(), signed).expect(200);
    expect(duplicate.body).toMatchObject({ ok: true, duplicate: true });
    expect(runs).toBe(1);
  });

  it('releases the claim when the handler throws (error rethrown), so the retry runs', async () => {
    let runs = 0;
    const failure = new Error('queue unavailable');
    const { app, thrown } = plainApp(Koa, () => {
      runs += 1;
      if (runs === 1) throw failure;
    });
    const event = buildTriggerMessage();
    const first = await deliver(app.callback(), await sign(event)).expect(500);
    expect(first.body).toEqual({ handledBy: 'app error middleware' });
    expect(thrown).toEqual([failure]);
    const retry = await sign(event, { timestamp: Math.floor(Date.now() / 1000) + 30 });
    const second = await deliver(app.callback(), retry).expect(200);
    expect(second.body).toEqual({ ok: true, id: event.id });
    expect(runs).toBe(2);
  });

  it("uses Koa's own error response when nothing upstream catches the throw", async () => {
    const app = new Koa();
    app.silent = true;
    app.use(composioWebhook({ secret: SECRET, ...silent }));
    app.use(() => {
      throw new Error('boom');
    });
    const response = await deliver(app.callback(), await sign(buildTriggerMessage()));
    expect(response.status).toBe(500);
  });

  it.each([
    [503, 'the handler answers 503'],
    [404, 'the handler answers an explicit 404'],
  ])('releases the claim when %s (%s) and keeps that response', async (status) => {
    let runs = 0;
    const { app } = plainApp(Koa, (ctx) => {
      runs += 1;
      if (runs === 1) {
        ctx.status = status;
        ctx.body = { busy: true };
      } else {
        ctx.body = { done: true };
      }
    });
    const event = buildTriggerMessage();
    const first = await deliver(app.callback(), await sign(event)).expect(status);
    expect(first.body).toEqual({ busy: true });
    const retry = await sign(event, { timestamp: Math.floor(Date.now() / 1000) + 30 });
    const second = await deliver(app.callback(), retry).expect(200);
    expect(second.body).toEqual({ done: true });
    expect(runs).toBe(2);
  });

  it('answers forgeries itself (401) and never calls next()', async () => {
    let runs = 0;
    const { app } = plainApp(Koa, () => {
      runs += 1;
    });
    const signed = await sign(buildTriggerMessage());
    const forged = { ...signed, body: signed.body.replace('octocat', 'mallory') };
    const response = await deliver(app.callback(), forged).expect(401);
    expect(response.body.error.code).toBe('INVALID_SIGNATURE');
    expect(runs).toBe(0);
  });

  it('answers 409 while the same delivery is in the handler', async () => {
    const gate = deferred();
    const started = deferred();
    let runs = 0;
    const { app } = plainApp(Koa, async (ctx) => {
      runs += 1;
      started.resolve();
      await gate.promise;
      ctx.body = { done: true };
    });
    const signed = await sign(buildTriggerMessage());
    const slow = deliver(app.callback(), signed).then((response) => response);
    await started.promise;
    const concurrent = await deliver(app.callback(), signed);
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.error.code).toBe('DUPLICATE_IN_FLIGHT');
    gate.resolve();
    expect((await slow).body).toEqual({ done: true });
    expect(runs).toBe(1);
  });

  it('leaves the parsed body and raw text for a body parser mounted after it', async () => {
    const app = new Koa();
    const bodies: unknown[] = [];
    app.use(composioWebhook({ secret: SECRET, ...silent }));
    app.use(bodyParser());
    app.use((ctx) => {
      const req = ctx.request as { body?: unknown; rawBody?: unknown };
      bodies.push(req.body, req.rawBody);
      ctx.body = { ok: true };
    });
    const event = buildTriggerMessage();
    const signed = await sign(event);
    await deliver(app.callback(), signed).timeout(5000).expect(200);
    expect(bodies).toEqual([event, signed.body]);
  });

  it('works as route middleware on @koa/router', async () => {
    const app = new Koa();
    const routes = new Router();
    const seen: string[] = [];
    routes.post(WEBHOOK_PATH, composioWebhook({ secret: SECRET, ...silent }), (ctx) => {
      seen.push(ctx.state.composio.event.type);
      ctx.body = { received: true };
    });
    app.use(routes.routes());
    const event = buildConnectionExpired();
    const response = await deliver(app.callback(), await sign(event)).expect(200);
    expect(response.body).toEqual({ received: true });
    expect(seen).toEqual([event.type]);
    await request(app.callback()).post('/elsewhere').send('{}').expect(404);
  });
});
