/** Public types: ctx.state.composio is typed for users, on plain Koa and on @koa/router. */
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ComposioState,
  composioWebhook,
  createWebhookRouter,
  type WebhookDelivery,
  WebhookEventType,
} from '../src/index.js';

describe('composioWebhook types', () => {
  it('returns a plain Middleware with a router', () => {
    const middleware = composioWebhook({ router: createWebhookRouter(), secret: 's' });
    expectTypeOf(middleware).toEqualTypeOf<Middleware>();
  });

  it('types ctx.state.composio after the verify-only middleware on app.use', () => {
    new Koa().use(composioWebhook({ secret: 's' })).use((ctx) => {
      expectTypeOf(ctx.state.composio).toEqualTypeOf<WebhookDelivery>();
      const { event } = ctx.state.composio;
      if (event.type === WebhookEventType.CONNECTION_EXPIRED) {
        expectTypeOf(event.data.toolkit.slug).toEqualTypeOf<string>();
      }
    });
  });

  it('types ctx.state.composio in @koa/router handlers after it', () => {
    new Router().post('/webhooks/composio', composioWebhook(), (ctx) => {
      expectTypeOf(ctx.state.composio).toEqualTypeOf<WebhookDelivery>();
    });
  });

  it('declares ctx.state.composio (optional) on every Koa context', () => {
    const anywhere: Middleware = (ctx) => {
      expectTypeOf(ctx.state.composio).toEqualTypeOf<WebhookDelivery | undefined>();
    };
    expectTypeOf(anywhere).toBeFunction();
    const typed: Middleware<ComposioState> = (ctx) => {
      expectTypeOf(ctx.state.composio).toEqualTypeOf<WebhookDelivery>();
    };
    expectTypeOf(typed).toBeFunction();
  });

  it('rejects wrong options at compile time', () => {
    // @ts-expect-error router must be a WebhookRouter
    composioWebhook({ router: { on() {} }, secret: 's' });
    // @ts-expect-error unknown option
    composioWebhook({ secret: 's', bodyParser: true });
    // @ts-expect-error secretFormat is 'raw' | 'standard'
    composioWebhook({ secret: 's', secretFormat: 'base64' });
  });
});
