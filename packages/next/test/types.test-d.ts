/**
 * The handlers line up with Next.js's own types (16, and 15 through the `next15` alias) without
 * casts: App Router route handlers take a `NextRequest` and the route context, and the Pages
 * Router handler is a `NextApiHandler`. (`next build` of examples/nextjs also runs Next.js's
 * own check of the route exports.)
 */
import type { NextApiHandler, NextApiRequest, NextApiResponse, PageConfig } from 'next';
import type { NextRequest } from 'next/server';
import type { NextApiHandler as NextApiHandler15 } from 'next15';
import type { NextRequest as NextRequest15 } from 'next15/server';
import { describe, expectTypeOf, it } from 'vitest';
import {
  composioApiRoute,
  composioWebhook,
  createWebhookRouter,
  type WebhookDelivery,
  withComposioWebhook,
} from '../src/index.js';

const router = createWebhookRouter();
/** What Next.js calls a route handler with: the request and `{ params }`. */
type RouteContext = { params: Promise<Record<string, string | string[]>> };

describe('App Router', () => {
  it('composioWebhook() is a route handler for NextRequest (Next.js 16 and 15)', () => {
    const POST = composioWebhook({ router });
    expectTypeOf(POST).toExtend<
      (request: NextRequest, context: RouteContext) => Promise<Response>
    >();
    expectTypeOf(POST).toExtend<
      (request: NextRequest15, context: RouteContext) => Promise<Response>
    >();
    expectTypeOf(POST).toExtend<(request: Request) => Promise<Response>>();
    // @ts-expect-error the file is the route: no path
    composioWebhook({ router, path: '/api/webhooks/composio' });
  });

  it('withComposioWebhook<NextRequest>() hands the NextRequest over', () => {
    const POST = withComposioWebhook<NextRequest>((request, delivery) => {
      expectTypeOf(request.nextUrl.pathname).toBeString();
      expectTypeOf(delivery).toEqualTypeOf<WebhookDelivery>();
      return Response.json({ ok: true });
    });
    expectTypeOf(POST).parameter(0).toEqualTypeOf<NextRequest>();
  });
});

describe('Pages Router', () => {
  it('composioApiRoute() is a NextApiHandler (16 and 15), config a PageConfig', () => {
    const handler = composioApiRoute({ router });
    expectTypeOf(handler).toExtend<NextApiHandler>();
    expectTypeOf(handler).toExtend<NextApiHandler15>();
    expectTypeOf(handler).parameters.toEqualTypeOf<[NextApiRequest, NextApiResponse]>();
    expectTypeOf(composioApiRoute.config).toExtend<PageConfig>();
    // @ts-expect-error composioApiRoute needs a router
    composioApiRoute({ secret: 's' });
    // @ts-expect-error the file is the route: no path
    composioApiRoute({ router, path: '/api/webhooks/composio' });
  });
});
