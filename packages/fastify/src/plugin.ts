/**
 * `composioWebhooks`: the Fastify 4 and 5 plugin over core's exchange. It says where Fastify
 * keeps the body, how to hand a delivery to the user's route (verify-only mode) and writes
 * answers the Fastify way; every decision (statuses, dedupe, settling) is core's.
 *
 * Router mode (`routerRoute`): core's exchange opens from the headers in the route's `onRequest`
 * hook and gets the body from Fastify's buffer parser. Verify-only mode: a `preParsing` hook
 * reads the stream itself (the app's parser then sees the same bytes).
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
  type OpenExchange,
  setDeadline,
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
      routerRoute(scope, exchange, url, perRequest);
    },
    typeof prefix === 'string' ? { prefix } : {},
  );
}

/** Per request: the exchange opened from the headers, and the body deadline. */
const OPENED = Symbol('composio-webhooks.opened');
const DEADLINE = Symbol('composio-webhooks.deadline');
type RouteRequest = FastifyRequest & {
  [OPENED]: OpenExchange | null;
  [DEADLINE]: ReturnType<typeof setTimeout> | null;
};
const EMPTY = new Uint8Array(0);

/**
 * Router mode: the route in its own context, whose only content-type parser is Fastify's buffer
 * parser for every content type (so the app's JSON parser, `@fastify/formbody` or another
 * plugin's parser never sees or changes what is verified, and Fastify's proto-poisoning check
 * never refuses a signed delivery: core parses it safely). The exchange opens in `onRequest`,
 * so what the headers decide is answered before a body byte is read; Fastify reads the body
 * within `bodyLimit` = `maxBodyBytes`, a deadline of `bodyTimeoutMs` runs from `onRequest`, and
 * a body Fastify cannot read is answered from core's table (413, 408, 400), not Fastify's.
 */
function routerRoute(
  scope: FastifyInstance,
  exchange: WebhookExchange,
  url: string,
  perRequest: boolean,
): void {
  scope.decorateRequest(OPENED, null);
  scope.decorateRequest(DEADLINE, null);
  scope.removeAllContentTypeParsers();
  const received = (request: FastifyRequest, body: Buffer, done: (e: null, b: Buffer) => void) => {
    const deadline = (request as RouteRequest)[DEADLINE];
    if (deadline !== null) clearTimeout(deadline);
    done(null, body);
  };
  // application/json by name as well: Fastify caches the parser of a named type, while the
  // catch-all re-parses the content-type header on every request.
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, received);
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, received);
  scope.route({
    method: ROUTE_METHODS,
    url,
    bodyLimit: exchange.receiver.maxBodyBytes,
    onRequest(request, reply, done) {
      const opened = exchange.open({
        method: request.method,
        headers: request.headers,
        ...(perRequest && { logger: requestLogger(request) }),
      });
      if (opened.decided) {
        opened.decided.then((result) => void write(result, reply), done);
        return;
      }
      const state = request as RouteRequest;
      state[OPENED] = opened;
      state[DEADLINE] = setDeadline(() => {
        state[DEADLINE] = null;
        // Fastify is still reading: answer 408 and close the connection, which ends its wait.
        opened.bodyFailed(undefined, 'timeout').then(
          (result) => void write(result, reply),
          (error: unknown) => void reply.send(error),
        );
      }, opened.limits.timeoutMs);
      done();
    },
    handler(request, reply) {
      const opened = (request as RouteRequest)[OPENED] as OpenExchange;
      // A body that completed just as the deadline answered 408.
      if (reply.sent) return reply;
      const body = request.body;
      return opened
        .withBody(body instanceof Uint8Array ? body : EMPTY)
        .then((result) => write(result, reply));
    },
    errorHandler(error, request, reply) {
      const state = request as RouteRequest;
      const opened = state[OPENED];
      const code = (error as { code?: unknown }).code;
      // Only Fastify's body errors (too large, wrong content-length, a client that went away)
      // are ours to answer; anything else (an onRefusal that throws) goes to the app's handler.
      if (opened === null || request.body !== undefined || !isBodyError(code)) throw error;
      if (state[DEADLINE] !== null) clearTimeout(state[DEADLINE]);
      state[DEADLINE] = null;
      return opened
        .bodyFailed(error, code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'too-large' : undefined)
        .then((result) => write(result, reply));
    },
  });
}

/** The errors Fastify's body reader fails with (its own codes, and a socket's). */
function isBodyError(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    (code.startsWith('FST_ERR_CTP_') || code === 'ECONNRESET' || code === 'ECONNABORTED')
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
