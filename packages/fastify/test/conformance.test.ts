/**
 * The one conformance suite of core's testing kit, over real HTTP, on Fastify 4 and 5: at the
 * root of a bare app, and registered under a prefix in a child context of an app that has its
 * own JSON parser (with a custom parser function) and @fastify/formbody.
 */
import {
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  createConformanceApp,
} from '@composio-webhooks/core/testing';
import { describeConformance } from '@composio-webhooks/core/testing/conformance';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { composioWebhooks } from '../src/index.js';
import { FASTIFY_MAJORS, type FastifyMajor, listen } from './support.js';

const PREFIX = '/api';

/** The conformance routes on `scope` (the app itself, or a child context). */
async function mount(scope: FastifyInstance, conformance: ReturnType<typeof createConformanceApp>) {
  await scope.register(composioWebhooks, {
    ...CONFORMANCE_OPTIONS,
    router: conformance.router,
    path: CONFORMANCE_PATHS.router,
  });
  await scope.register(async (verifyOnly) => {
    await verifyOnly.register(composioWebhooks, CONFORMANCE_OPTIONS);
    verifyOnly.post(
      CONFORMANCE_PATHS.verifyOnly,
      { preParsing: verifyOnly.verifyComposioWebhook },
      async (request, reply) => {
        const status = await conformance.route(
          request.composio as NonNullable<typeof request.composio>,
        );
        return reply.code(status).send({ handledBy: 'route' });
      },
    );
  });
  scope.get(CONFORMANCE_PATHS.runs, async () => conformance.runs());
}

function variants({ name, fastify, formbody }: FastifyMajor) {
  return [
    {
      name: `${name}, at the root`,
      async start() {
        const app = fastify();
        await mount(app, createConformanceApp());
        return listen(app);
      },
    },
    {
      name: `${name}, under a prefix in a child context, with an app-wide JSON parser and @fastify/formbody`,
      async start() {
        const app = fastify();
        // An app-wide JSON parser of the app's own (it would break verification if it ran first).
        app.removeContentTypeParser('application/json');
        app.addContentTypeParser(
          'application/json',
          { parseAs: 'string' },
          (_request, body, done) => {
            done(null, { parsedByTheApp: JSON.parse(body as string) });
          },
        );
        await app.register(formbody);
        const conformance = createConformanceApp();
        await app.register(async (child) => mount(child, conformance), { prefix: PREFIX });
        const server = await listen(app);
        return { ...server, url: `${server.url}${PREFIX}` };
      },
    },
  ];
}

for (const major of FASTIFY_MAJORS) {
  for (const variant of variants(major)) {
    describeConformance(
      { name: variant.name, kind: 'route', start: variant.start },
      { describe, it, beforeAll, afterAll },
    );
  }
}
