/** The one conformance suite of core's testing kit, over real HTTP, on Express 4 and 5. */
import {
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  createConformanceApp,
} from '@composio-webhooks/core/testing';
import { describeConformance, serveNode } from '@composio-webhooks/core/testing/conformance';
import type { ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { composioWebhook } from '../src/index.js';
import { EXPRESS_MAJORS } from './support.js';

for (const [name, express] of EXPRESS_MAJORS) {
  describeConformance(
    {
      name,
      kind: 'middleware',
      async start() {
        const conformance = createConformanceApp();
        const app = express();
        app.post(
          CONFORMANCE_PATHS.router,
          composioWebhook({ ...CONFORMANCE_OPTIONS, router: conformance.router }),
        );
        app.post(
          CONFORMANCE_PATHS.verifyOnly,
          composioWebhook(CONFORMANCE_OPTIONS),
          async (req, res, next) => {
            try {
              res.status(await conformance.route(req.composio as NonNullable<typeof req.composio>));
              res.json({ handledBy: 'route' });
            } catch (error) {
              next(error);
            }
          },
        );
        app.get(CONFORMANCE_PATHS.runs, (_req, res) => {
          res.json(conformance.runs());
        });
        const onError: ErrorRequestHandler = (_error, _req, res, _next) => {
          res.status(500).json({ failed: true });
        };
        app.use(onError);
        return serveNode(app);
      },
    },
    { describe, it, beforeAll, afterAll },
  );
}
