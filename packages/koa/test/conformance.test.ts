/** The one conformance suite of core's testing kit, over real HTTP, on Koa 2 and 3. */
import {
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  createConformanceApp,
} from '@composio-webhooks/core/testing';
import { describeConformance, serveNode } from '@composio-webhooks/core/testing/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { composioWebhook } from '../src/index.js';
import { KOA_VERSIONS } from './support.js';

for (const { name, Koa } of KOA_VERSIONS) {
  describeConformance(
    {
      name,
      kind: 'middleware',
      async start() {
        const conformance = createConformanceApp();
        const app = new Koa();
        app.silent = true;
        app.use(
          composioWebhook({
            ...CONFORMANCE_OPTIONS,
            router: conformance.router,
            path: CONFORMANCE_PATHS.router,
          }),
        );
        app.use(composioWebhook({ ...CONFORMANCE_OPTIONS, path: CONFORMANCE_PATHS.verifyOnly }));
        app.use(async (ctx) => {
          const delivery = ctx.state.composio;
          if (delivery) {
            ctx.status = await conformance.route(delivery);
            ctx.body = { handledBy: 'route' };
          } else if (ctx.method === 'GET' && ctx.path === CONFORMANCE_PATHS.runs) {
            ctx.body = conformance.runs();
          }
        });
        return serveNode(app.callback());
      },
    },
    { describe, it, beforeAll, afterAll },
  );
}
