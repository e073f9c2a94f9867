/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what the Pages Router differs in.
 *
 * `composioApiRoute({ router })`: the Pages Router (`pages/api/...`) glue over core's exchange.
 * Next.js's body parser must be off for the route (`export const config = { api: { bodyParser:
 * false } }`), so the exact raw bytes are read from the Node request with core's
 * `readRawBody`; the answer is written through `res`. Every decision is core's.
 *
 * `@composio-webhooks/core/node` (raw-body, Node streams) is loaded when an API route is built,
 * not when the package is imported: App Router routes on the Edge runtime import this package
 * too, and Node's stream modules do not load there.
 */
import { WebhookConfigError, type WebhookRouter } from '@composio-webhooks/core';
import { createExchange, type HandlerAdapterOptions } from '@composio-webhooks/core/adapter';
import type { NextApiRequest, NextApiResponse } from 'next';
import { buildNowOrOnFirstCall } from './build-phase.js';

const PACKAGE_NAME = '@composio-webhooks/next';
const HOW_TO_FIX =
  'Turn off the body parser of this API route: export const config = { api: { bodyParser: false } }; See TROUBLESHOOTING.md#raw_body_unavailable.';

/** `composioApiRoute()` options: a router is required; no `path` (the file is the route). */
export type ComposioApiRouteOptions = Omit<HandlerAdapterOptions, 'router'> & {
  router: WebhookRouter;
};

/** A Pages Router API route handler. */
export type ComposioApiRouteHandler = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;

/** The route config that turns Next.js's body parser off: export it as `config`. */
const CONFIG = Object.freeze({ api: Object.freeze({ bodyParser: false as const }) });

export interface ComposioApiRoute {
  (options: ComposioApiRouteOptions): ComposioApiRouteHandler;
  /**
   * The route config the handler needs, `{ api: { bodyParser: false } }`. Next.js 16 reads
   * `config` at build time and accepts only a literal object, so write
   * `export const config = { api: { bodyParser: false } };` (older Next.js versions also take
   * `export const config = composioApiRoute.config;`).
   */
  readonly config: { readonly api: { readonly bodyParser: false } };
}

function createApiRoute(options: ComposioApiRouteOptions): ComposioApiRouteHandler {
  return buildNowOrOnFirstCall(() => buildApiRoute(options));
}

function buildApiRoute(options: ComposioApiRouteOptions): ComposioApiRouteHandler {
  if (options === null || typeof options !== 'object' || options.router === undefined) {
    throw new WebhookConfigError(
      `[${PACKAGE_NAME}] composioApiRoute() needs a router: export default composioApiRoute({ router: createWebhookRouter().on(...) }). To answer yourself, use an App Router route with withComposioWebhook().`,
    );
  }
  const exchange = createExchange(options, {
    packageName: PACKAGE_NAME,
    kind: 'handler',
  });
  const nodeBody = import('@composio-webhooks/core/node');
  // A failed load is reported by the first request that needs it.
  nodeBody.catch(() => undefined);
  return async (req, res) => {
    const { readNodeRequest } = await nodeBody;
    const result = await exchange.handle({
      method: req.method ?? 'GET',
      headers: req.headers,
      body: (limits) =>
        readNodeRequest(req, limits, { packageName: PACKAGE_NAME, howToFix: HOW_TO_FIX }),
    });
    if (!('response' in result) || res.headersSent) return;
    const { status, body, headers } = result.response;
    for (const name in headers) res.setHeader(name, headers[name] as string);
    res.status(status).json(body);
  };
}

/**
 * Receives Composio webhooks in a Pages Router API route (other methods: 405 with `Allow: POST`).
 * The file is the route, so it takes no `path`. Configuration mistakes throw here.
 *
 * @param options The options every adapter takes but `path`; `router` is required.
 * @example
 * ```ts
 * // pages/api/webhooks/composio.ts
 * export default composioApiRoute({ router });
 * export const config = { api: { bodyParser: false } };
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/next#pages-router
 */
export const composioApiRoute: ComposioApiRoute = Object.assign(createApiRoute, {
  config: CONFIG,
});
