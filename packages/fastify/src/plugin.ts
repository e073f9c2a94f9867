/**
 * Writing an adapter for composio-webhooks and reading this file for reference? Build it on
 * `@composio-webhooks/core/adapter` (the "Adapters" guide in core's README); it is done when it
 * passes core's conformance suite (`describeConformance`, `@composio-webhooks/core/testing/conformance`).
 * This file holds only what Fastify differs in: a route of its own whose parser leaves the body
 * to core's reader (router mode), a `preParsing` hook for the user's route (verify-only), `reply`.
 */
import { Readable } from 'node:stream';
import { WebhookConfigError, type WebhookDelivery } from '@composio-webhooks/core';
import {
  type AdapterOptions,
  type BodyLimits,
  createExchange,
  DEFAULT_WEBHOOK_PATH,
  type ExchangeHead,
  type ExchangeResult,
} from '@composio-webhooks/core/adapter';
import { observeNodeResponse, readRawBody } from '@composio-webhooks/core/node';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  preParsingHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { pinoLogger, requestLogger } from './logger.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified delivery, set by `fastify.verifyComposioWebhook` before your handler runs. */
    composio: WebhookDelivery | null;
  }
  interface FastifyInstance {
    /**
     * Verify-only mode (`composioWebhooks` registered without a `router`): the `preParsing` hook
     * of your own route, `{ preParsing: fastify.verifyComposioWebhook }`. It verifies and claims
     * the delivery and puts it on `request.composio`; your reply's status settles it (2xx =
     * processed; anything else = Composio's retry is processed).
     */
    verifyComposioWebhook: preParsingHookHandler;
  }
}

const PACKAGE_NAME = '@composio-webhooks/fastify';
const HOW_TO_FIX =
  'Do not read the request stream in an app-wide hook (onRequest/preParsing) before the composioWebhooks route; leave its body to the plugin. See TROUBLESHOOTING.md#raw_body_unavailable.';
/** Composio only POSTs; the route answers the other common methods 405 with `Allow: POST`. */
const ROUTE_METHODS: HTTPMethods[] = ['POST', 'GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'];

/** The options of every adapter (core's `AdapterOptions`); `path` defaults to `/webhooks/composio`. */
export type ComposioWebhookOptions = AdapterOptions;
/** `fastify.register()`'s own options, which it passes on to the plugin too. */
type RegisterOptions = { prefix?: unknown; logLevel?: unknown; logSerializers?: unknown };

async function composioWebhooksPlugin(
  fastify: FastifyInstance,
  options: ComposioWebhookOptions & RegisterOptions,
): Promise<void> {
  const { prefix, logLevel: _level, logSerializers: _serializers, ...adapterOptions } = options;
  const verifyOnly = adapterOptions.router === undefined;
  // A route adapter registers its route at `path`; in verify-only mode the route is yours.
  if (verifyOnly && adapterOptions.path !== undefined) {
    throw new WebhookConfigError(
      `[${PACKAGE_NAME}] \`path\` is where the plugin registers its route, which it does only with a \`router\`. Without one the route is yours: remove \`path\` and add { preParsing: fastify.verifyComposioWebhook } to it.`,
    );
  }
  // Default: Fastify's pino loggers, each request's messages on its own request.log.
  const perRequest = adapterOptions.logger === undefined;
  if (perRequest) adapterOptions.logger = pinoLogger(() => fastify.log);
  const exchange = createExchange(adapterOptions, {
    packageName: PACKAGE_NAME,
    kind: 'route',
    route: 'the route using fastify.verifyComposioWebhook',
  });
  if (!fastify.hasRequestDecorator('composio')) fastify.decorateRequest('composio', null);
  const head = (request: FastifyRequest): ExchangeHead => ({
    method: request.method,
    headers: request.headers,
    ...(perRequest && { logger: requestLogger(request) }),
  });
  const read = (request: FastifyRequest, stream: unknown, limits: BodyLimits) =>
    readRawBody({
      stream: stream as Readable,
      contentLength: request.headers['content-length'],
      limits,
      howToFix: HOW_TO_FIX,
      packageName: PACKAGE_NAME,
    });

  if (verifyOnly) {
    if (fastify.hasDecorator('verifyComposioWebhook')) {
      throw new WebhookConfigError(
        `[${PACKAGE_NAME}] composioWebhooks without a router was registered twice in the same context; register each one inside its own fastify.register(async (scope) => { ... }) so each scope gets its own fastify.verifyComposioWebhook.`,
      );
    }
    const verifyComposioWebhook: preParsingHookHandler = (request, reply, payload, done) => {
      const bodyLimit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
      exchange
        .handle({
          ...head(request),
          // A body the route's own bodyLimit would refuse after verification is refused first.
          body: (limits) =>
            read(request, payload, { ...limits, maxBytes: Math.min(limits.maxBytes, bodyLimit) }),
          handOver(delivery, body) {
            request.composio = delivery;
            const answered = observeNodeResponse(reply.raw);
            // The app's parser gets the same bytes: request.body is what it makes of them.
            done(null, Readable.from([typeof body === 'string' ? Buffer.from(body) : body]));
            return answered;
          },
        })
        .then(
          (result) => write(result, reply),
          (error: unknown) => done(error as Error),
        );
    };
    fastify.decorate('verifyComposioWebhook', verifyComposioWebhook);
    return;
  }

  // Fastify ignores `prefix` for fastify-plugin plugins; the route's own context honours it.
  await fastify.register(
    async function composioWebhooksRoute(scope) {
      // The body is core's to read (exact bytes, maxBodyBytes, bodyTimeoutMs): no parser of the
      // app runs here, and the route's own parser reads nothing.
      scope.removeAllContentTypeParsers();
      const leaveToCore = (_request: unknown, _payload: unknown, done: (e: null) => void) =>
        done(null);
      // application/json by name too: Fastify caches a named type's parser, while the catch-all
      // parses the content-type header again on every request.
      scope.addContentTypeParser('application/json', leaveToCore);
      scope.addContentTypeParser('*', leaveToCore);
      scope.route({
        method: ROUTE_METHODS,
        url: exchange.path ?? DEFAULT_WEBHOOK_PATH,
        handler: (request, reply) =>
          exchange
            .handle({ ...head(request), body: (limits) => read(request, request.raw, limits) })
            .then((result) => write(result, reply)),
      });
    },
    typeof prefix === 'string' ? { prefix } : {},
  );
}

/** Writes the exchange's answer unless the user's route already answered. */
function write(result: ExchangeResult, reply: FastifyReply): FastifyReply {
  if (result.type !== 'respond' || reply.sent) return reply;
  const { status, headers, body } = result.response;
  reply.code(status);
  if (headers) reply.headers(headers);
  return reply.send(body);
}

/**
 * Receives Composio webhooks in Fastify 4 or 5. With a `router` it registers its route at `path`
 * (default `/webhooks/composio`, under `prefix`); without one it decorates
 * `fastify.verifyComposioWebhook` for your own route. Configuration mistakes reject
 * `fastify.register()` with a `WebhookConfigError`.
 *
 * @param fastify The instance (or encapsulated context) to register in.
 * @param options The options every adapter takes (`router`, `secret`, `idempotency`, …).
 * @example
 * ```ts
 * await app.register(composioWebhooks, { router, path: '/webhooks/composio' });
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/fastify#readme
 */
export const composioWebhooks: FastifyPluginAsync<ComposioWebhookOptions> = fp(
  composioWebhooksPlugin,
  { fastify: '4.x || 5.x', name: PACKAGE_NAME },
);
