/**
 * What is Hono's own: verify-only settles from the status the next handler answered, errors
 * reach `app.onError`, a route that answers nothing, `app.use(composioWebhook({ path }))` in a
 * chain, and bodies a middleware before it already read (served from Hono's body cache).
 */
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type ComposioEnv, composioWebhook, createWebhookRouter } from '../src/index.js';

const secret = 'hono-middleware-secret';

async function signed(payload: unknown = buildTriggerMessage()) {
  const { body, headers } = await signWebhook({ payload, secret });
  return { method: 'POST', body, headers };
}

describe('verify-only', () => {
  it('the delivery is on c.get("composio"); a 2xx settles it, a copy is a duplicate', async () => {
    const seen: string[] = [];
    const app = new Hono<ComposioEnv>();
    app.post('/hook', composioWebhook({ secret, logger: false }), (c) => {
      seen.push(c.get('composio').event.type);
      return c.text('accepted', 202);
    });
    const request = await signed();
    const first = await app.request('/hook', request);
    expect(first.status).toBe(202);
    expect(await first.text()).toBe('accepted');
    const copy = await app.request('/hook', request);
    expect(copy.status).toBe(200);
    expect(await copy.json()).toMatchObject({ ok: true, duplicate: true });
    expect(seen).toEqual(['composio.trigger.message']);
  });

  it('a thrown error reaches app.onError, and the delivery is released for the retry', async () => {
    let calls = 0;
    const errors: string[] = [];
    const app = new Hono();
    app.post('/hook', composioWebhook({ secret, logger: false }), (c) => {
      calls++;
      if (calls === 1) throw new Error('database down');
      return c.json({ ok: true });
    });
    // Even an onError that answers 2xx does not mark the failed run as processed.
    app.onError((error, c) => {
      errors.push(error.message);
      return c.json({ handled: true }, 200);
    });
    const request = await signed();
    expect((await app.request('/hook', request)).status).toBe(200);
    expect(errors).toEqual(['database down']);
    expect((await app.request('/hook', request)).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('a non-2xx answer releases the delivery', async () => {
    let calls = 0;
    const app = new Hono();
    app.post('/hook', composioWebhook({ secret, logger: false }), (c) => {
      calls++;
      return c.json({ later: true }, 503);
    });
    const request = await signed();
    expect((await app.request('/hook', request)).status).toBe(503);
    expect((await app.request('/hook', request)).status).toBe(503);
    expect(calls).toBe(2);
  });

  it('c.req.json() after the middleware reads the verified body from the cache', async () => {
    const app = new Hono();
    app.post('/hook', composioWebhook({ secret, logger: false }), async (c) =>
      c.json({ type: ((await c.req.json()) as { type: string }).type }),
    );
    const answer = await app.request('/hook', await signed());
    expect(await answer.json()).toEqual({ type: 'composio.trigger.message' });
  });

  it('a middleware after it that answers nothing: processed, and answered 200', async () => {
    const seen: string[] = [];
    const app = new Hono<ComposioEnv>();
    app.use('/hook', composioWebhook({ secret, logger: false }), async (c) => {
      seen.push(c.get('composio').id);
    });
    const request = await signed();
    const answer = await app.request('/hook', request);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, id: request.headers['webhook-id'] });
    expect(await (await app.request('/hook', request)).json()).toMatchObject({ duplicate: true });
    expect(seen).toHaveLength(1);
  });

  it("no handler after it: Hono's 404, and the delivery is released (named in the log)", async () => {
    const logged: string[] = [];
    const logger = { warn: () => undefined, error: (text: string) => logged.push(text) };
    const app = new Hono();
    app.use('/hook', composioWebhook({ secret, logger }), async (_c, next) => {
      await next();
    });
    const request = await signed();
    expect((await app.request('/hook', request)).status).toBe(404);
    expect(logged.join()).toContain('answered 404 by the handler after composioWebhook()');
    expect((await app.request('/hook', request)).status).toBe(404);
  });
});

describe('in a middleware chain', () => {
  it('app.use(composioWebhook({ router, path })) takes POSTs to its path and passes the rest on', async () => {
    const handled: string[] = [];
    const router = createWebhookRouter().onAny((_event, delivery) => {
      handled.push(delivery.id);
    });
    const app = new Hono();
    app.use(composioWebhook({ secret, router, path: '/webhooks/composio', logger: false }));
    app.get('/webhooks/composio', (c) => c.text('health: ok'));
    app.post('/other', (c) => c.text('other route'));
    const request = await signed();
    const answer = await app.request('/webhooks/composio/', request);
    expect(answer.status).toBe(200);
    expect(handled).toEqual([request.headers['webhook-id']]);
    expect(await (await app.request('/webhooks/composio')).text()).toBe('health: ok');
    expect(await (await app.request('/other', await signed())).text()).toBe('other route');
  });

  it('refusals are answered with the documented JSON and headers', async () => {
    const app = new Hono();
    app.post('/hook', composioWebhook({ secret, router: createWebhookRouter(), logger: false }));
    const forged = await signWebhook({ payload: buildTriggerMessage(), secret: 'other' });
    const answer = await app.request('/hook', { method: 'POST', ...forged });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
    // Refused from the headers alone: the body is not read and the connection is closed.
    const early = await app.request('/hook', { method: 'POST', body: '{}' });
    expect(early.status).toBe(401);
    expect(early.headers.get('connection')).toBe('close');
  });

  it('onRefusal that throws hands the refusal to app.onError', async () => {
    const app = new Hono();
    app.post(
      '/hook',
      composioWebhook({
        secret,
        router: createWebhookRouter(),
        logger: false,
        onRefusal: (refusal) => {
          throw refusal.error;
        },
      }),
    );
    app.onError((error, c) => c.json({ mine: (error as { code?: string }).code }, 418));
    const answer = await app.request('/hook', { method: 'POST', body: '{}', headers: {} });
    expect(answer.status).toBe(418);
    expect(await answer.json()).toEqual({ mine: 'MISSING_HEADERS' });
  });
});

describe('a body a middleware before it already read', () => {
  it.each(['text', 'json', 'arrayBuffer'] as const)(
    'after c.req.%s(), the cached raw body is verified',
    async (method) => {
      const handled: string[] = [];
      const router = createWebhookRouter().onAny((event) => {
        handled.push(event.type);
      });
      const app = new Hono();
      app.use(async (c, next) => {
        await c.req[method]();
        await next();
      });
      app.post('/hook', composioWebhook({ secret, router, logger: false }));
      expect((await app.request('/hook', await signed())).status).toBe(200);
      expect(handled).toEqual(['composio.trigger.message']);
    },
  );

  it('a cached body over maxBodyBytes is 413', async () => {
    const app = new Hono();
    app.use(async (c, next) => {
      await c.req.text();
      await next();
    });
    app.post(
      '/hook',
      composioWebhook({ secret, router: createWebhookRouter(), maxBodyBytes: 100, logger: false }),
    );
    const answer = await app.request('/hook', await signed());
    expect(answer.status).toBe(413);
  });
});
