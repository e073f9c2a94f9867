/**
 * The handlers' types line up with the Web platform's (the DOM lib's `Request`/`Response`, which
 * Bun, Deno and Workers share) and with what the usual servers call them with, without casts.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  composioWebhook,
  createWebhookRouter,
  type WebhookDelivery,
  type WebhookRequestHandler,
  withComposioWebhook,
} from '../src/index.js';

const router = createWebhookRouter();

describe('types', () => {
  it('composioWebhook() is a fetch handler', () => {
    const handler = composioWebhook({ router });
    expectTypeOf(handler).toEqualTypeOf<WebhookRequestHandler>();
    expectTypeOf(handler).toExtend<(request: Request) => Promise<Response>>();
    // Bun.serve's fetch(request, server), Deno.serve's handler(request, info), a Worker's ctx.
    expectTypeOf(handler).toExtend<
      (request: Request, server: { port: number }) => Promise<Response>
    >();
    expectTypeOf(handler).toExtend<
      (request: Request, ctx: { waitUntil(promise: Promise<unknown>): void }) => Promise<Response>
    >();
    expectTypeOf(handler).returns.resolves.toEqualTypeOf<Response>();
  });

  it('withComposioWebhook() keeps the request type it is given and types the delivery', () => {
    interface AppRequest extends Request {
      readonly nextUrl: URL;
    }
    const handler = withComposioWebhook<AppRequest>((request, delivery) => {
      expectTypeOf(request.nextUrl).toEqualTypeOf<URL>();
      expectTypeOf(delivery).toEqualTypeOf<WebhookDelivery>();
      return Response.json({ id: delivery.id });
    });
    expectTypeOf(handler).parameter(0).toEqualTypeOf<AppRequest>();
    // An async handler, or one returning Response.json / new Response, fits.
    withComposioWebhook(async () => new Response(null, { status: 204 }));
    // @ts-expect-error the handler must return a Response
    withComposioWebhook(() => ({ status: 200 }));
  });

  it('options are checked', () => {
    // @ts-expect-error composioWebhook needs a router
    composioWebhook({ secret: 's' });
    // @ts-expect-error verify-only takes no router
    withComposioWebhook(() => new Response(), { router });
    // @ts-expect-error the runtime mounts a handler: no path
    composioWebhook({ router, path: '/webhooks/composio' });
    // @ts-expect-error the runtime mounts a handler: no path
    withComposioWebhook(() => new Response(), { path: '/webhooks/composio' });
  });
});
