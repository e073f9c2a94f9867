/**
 * `composioWebhooks`: the Fastify 4 and 5 plugin over core's exchange. It says where Fastify
 * keeps the body stream, how to hand a delivery to the user's route (verify-only mode) and
 * writes answers the Fastify way; every decision (statuses, dedupe, settling) is core's.
 *
 * Router mode registers one route in an encapsulated child context whose only content-type
 * parser hands the request stream through untouched, so the app's JSON parser,
 * `@fastify/formbody` or any other plugin's parser never sees (or changes) what is verified,
 * Fastify's proto-poisoning check never refuses a signed delivery (core parses it safely), and
 * core reads the body itself: header-first refusals, `maxBodyBytes` (413) while streaming and
 * `bodyTimeoutMs` (408).
 */
import { Readable } from 'node:stream';
import {
  type AdapterOptions,
  DEFAULT_WEBHOOK_PATH,
  WebhookConfigError,
  type WebhookDelivery,
} from '@composio-webhooks/core';
import {
  type BodyLimits,
  createExchange,
  type ExchangeResult,
  type WebhookExchange,
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
    /** The verified delivery, set by `fastify.composioWebhook` (verify-only mode) before your handler runs. */
    composio?: WebhookDelivery;
  }
  interface FastifyInstance {
    /**
     * Verify-only mode (`composioWebhooks` registered without a `router`): a `preParsing` hook for
     * your own route, `{ preParsing: fastify.composioWebhook }`. It verifies and claims the
     * delivery, puts it on `request.composio`, and your reply's status settles it (2xx =
     * processed; anything else = Composio's retry is processed).
     */
    composioWebhook: preParsingHookHandler;
  }
}

const PACKAGE_NAME = '@composio-webhooks/fastify';
const HOW_TO_FIX =
  'Do not read the request stream in an app-wide hook (onRequest/preParsing) before the composioWebhooks route; leave its body to the plugin. See TROUBLESHOOTING.md#raw_body_unavailable.';
/** Composio only POSTs; the route answers the other common methods 405 with `Allow: POST`. */
const ROUTE_METHODS: HTTPMethods[] = ['POST', 'GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'];
/** What `fastify.register()` itself reads from the options (it passes them on to the plugin too). */
const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'] as const;

/** The options of every adapter (core's `AdapterOptions`); `path` defaults to `/webhooks/composio`. */
export type ComposioWebhookOptions = AdapterOptions;

async function plugin(fastify: FastifyInstance, options: ComposioWebhookOptions): Promise<void> {
  const adapterOptions: Record<string, unknown> = { ...options };
  for (const key of REGISTER_OPTIONS) delete adapterOptions[key];
  // Default: Fastify's pino loggers, each request's messages on its own request.log.
  const perRequest = adapterOptions.logger === undefined;
  if (perRequest) adapterOptions.logger = pinoLogger(() => fastify.log);
  const exchange = createExchange(adapterOptions, {
    packageName: PACKAGE_NAME,
    kind: 'route',
    route: 'the route using fastify.composioWebhook',
  });
  if (!fastify.hasRequestDecorator('composio')) fastify.decorateRequest('composio', undefined);

  if (exchange.verifyOnly) {
    if (exchange.path !== undefined) {
      throw new WebhookConfigError(
        `[${PACKAGE_NAME}] \`path\` is only used with a \`router\` (the plugin then serves that route). Without a router, add { preParsing: fastify.composioWebhook } to your own route instead.`,
      );
    }
    if (fastify.hasDecorator('composioWebhook')) {
      throw new WebhookConfigError(
        `[${PACKAGE_NAME}] composioWebhooks without a router was registered twice in the same context; register each one inside its own fastify.register(async (scope) => { ... }) so each scope gets its own fastify.composioWebhook.`,
      );
    }
    fastify.decorate('composioWebhook', verifyOnlyHook(exchange, perRequest));
    return;
  }

  const url = exchange.path ?? DEFAULT_WEBHOOK_PATH;
  // Fastify ignores `prefix` for fastify-plugin plugins; the route's own context honours it.
  const prefix = (options as { prefix?: unknown }).prefix;
  await fastify.register(
    async function composioWebhookRoute(scope) {
      // This context's only parser: the stream, unread, whatever the content type.
      scope.removeAllContentTypeParsers();
      const passThrough = (
        _request: unknown,
        payload: unknown,
        done: (e: null, b: unknown) => void,
      ) => done(null, payload);
      // application/json by name as well: Fastify caches the parser of a named type, while the
      // catch-all re-parses the content-type header on every request.
      scope.addContentTypeParser('application/json', passThrough);
      scope.addContentTypeParser('*', passThrough);
      scope.route({
        method: ROUTE_METHODS,
        url,
        bodyLimit: exchange.receiver.maxBodyBytes,
        async handler(request, reply) {
          const result = await exchange.handle({
            method: request.method,
            headers: request.headers,
            ...(perRequest && { logger: requestLogger(request) }),
            body: (limits) => readBody(request.body ?? request.raw, request, limits),
          });
          return write(result, reply);
        },
      });
    },
    typeof prefix === 'string' ? { prefix } : {},
  );
}

/** The `preParsing` hook of verify-only mode: the app's parser then sees the same bytes. */
function verifyOnlyHook(exchange: WebhookExchange, perRequest: boolean): preParsingHookHandler {
  return function composioWebhook(request, reply, payload, done) {
    exchange
      .handle({
        method: request.method,
        headers: request.headers,
        ...(perRequest && { logger: requestLogger(request) }),
        // A body the route's own bodyLimit would refuse after verification is refused first.
        body: (limits) =>
          readBody(payload, request, {
            ...limits,
            maxBytes: Math.min(limits.maxBytes, request.routeOptions.bodyLimit ?? limits.maxBytes),
          }),
        handOver(delivery, body) {
          request.composio = delivery;
          const answered = observeNodeResponse(reply.raw);
          done(null, Readable.from([typeof body === 'string' ? Buffer.from(body) : body]));
          return answered;
        },
      })
      .then(
        (result) => {
          if (result.type === 'respond') write(result, reply);
        },
        (error: unknown) => done(error as Error),
      );
  };
}

function readBody(stream: unknown, request: FastifyRequest, limits: BodyLimits) {
  return readRawBody({
    stream: stream as Readable,
    contentType: request.headers['content-type'],
    contentLength: request.headers['content-length'],
    limits,
    howToFix: HOW_TO_FIX,
    packageName: PACKAGE_NAME,
  });
}

function write(result: ExchangeResult, reply: FastifyReply): FastifyReply {
  if (result.type === 'respond' && !reply.sent) {
    const { status, headers, body } = result.response;
    reply.code(status);
    if (headers) reply.headers(headers);
    return reply.send(body);
  }
  return reply;
}

/**
 * Receives Composio webhooks in Fastify 4 or 5:
 * `await fastify.register(composioWebhooks, { router, path: '/webhooks/composio' })`. Without a
 * router it decorates `fastify.composioWebhook`, a `preParsing` hook for your own route.
 * Configuration mistakes throw `WebhookConfigError` when the plugin is registered.
 */
export const composioWebhooks: FastifyPluginAsync<ComposioWebhookOptions> = fp(plugin, {
  fastify: '4.x || 5.x',
  name: PACKAGE_NAME,
});
