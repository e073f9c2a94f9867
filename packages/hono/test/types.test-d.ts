/**
 * The middleware's types line up with Hono's: a router-mode middleware is a plain
 * `MiddlewareHandler`; a verify-only one carries `ComposioEnv`, so `c.get('composio')` is a
 * typed `WebhookDelivery` in the handlers after it, inferred on the route, without casts.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ComposioEnv,
  composioWebhook,
  createWebhookRouter,
  type WebhookDelivery,
} from '../src/index.js';

describe('types', () => {
  it('router mode is a MiddlewareHandler usable as a route handler', () => {
    const middleware = composioWebhook({ router: createWebhookRouter() });
    expectTypeOf(middleware).toEqualTypeOf<MiddlewareHandler>();
    new Hono().post('/webhooks/composio', middleware);
    new Hono().use(composioWebhook({ router: createWebhookRouter(), path: '/webhooks/composio' }));
  });

  it('verify-only types c.get("composio") on the route, inferred', () => {
    const middleware = composioWebhook();
    expectTypeOf(middleware).toEqualTypeOf<MiddlewareHandler<ComposioEnv>>();
    new Hono().post('/webhooks/composio', composioWebhook(), (c) => {
      expectTypeOf(c.get('composio')).toEqualTypeOf<WebhookDelivery>();
      expectTypeOf(c.var.composio.event.type).toBeString();
      return c.json({ id: c.get('composio').id });
    });
  });

  it('fits an app with its own Env (bindings and variables)', () => {
    type AppEnv = { Bindings: { COMPOSIO_WEBHOOK_SECRET: string }; Variables: { user: string } };
    const app = new Hono<AppEnv>();
    app.post('/webhooks/composio', composioWebhook(), (c) => {
      expectTypeOf(c.get('composio')).toEqualTypeOf<WebhookDelivery>();
      expectTypeOf(c.get('user')).toEqualTypeOf<string>();
      expectTypeOf(c.env.COMPOSIO_WEBHOOK_SECRET).toEqualTypeOf<string>();
      return c.text('ok');
    });
    // The Hono app's fetch is a Web handler: Request in, Response out.
    expectTypeOf(app.fetch).parameter(0).toEqualTypeOf<Request>();
  });

  it('options are checked', () => {
    // @ts-expect-error `path` is a string
    composioWebhook({ path: 1 });
  });
});
