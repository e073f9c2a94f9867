/**
 * The webhook routes read their own body, before any body parser, through supported hooks only.
 *
 * `HttpAdapterHost.init$` fires once the app has its HTTP adapter, before `app.init()` registers
 * Nest's body parsers (and before your `app.use(...)` calls), so one hook added there runs first:
 *
 * - Express: a middleware (`httpAdapter.use`). body-parser leaves a request whose stream was read
 *   alone, so Nest's JSON parser (100 KB), `useBodyParser` and `express.json()` skip it.
 * - Fastify: a `preParsing` hook, which reads the payload and gives Fastify's parser a stand-in
 *   (`null`), so no JSON parser sees the webhook body (its 400s, `__proto__` refusal, limits).
 *
 * For a `POST` to a webhook route (the built-in one, or one guarded by `ComposioWebhookGuard`)
 * the hook opens that route's exchange: a refusal the headers decide is answered before a byte is
 * read; the exact bytes are read within `maxBodyBytes` / `bodyTimeoutMs` (413, 408); the route's
 * controller or guard then finishes the exchange with them (`takeBody`), after Nest's guards.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { WebhookBody } from '@composio-webhooks/core';
import type { BodyLimits, ExchangeResult, WebhookExchange } from '@composio-webhooks/core/adapter';
import { readNodeRequest, readRawBody } from '@composio-webhooks/core/node';
import type { HttpServer } from '@nestjs/common';
import { PACKAGE_NAME, RAW_BODY_HOW_TO_FIX } from './constants.js';
import { type HandOver, keepBody, sendReceiverResponse, takeBody } from './http.js';

const READER = { packageName: PACKAGE_NAME, howToFix: RAW_BODY_HOW_TO_FIX };

/** Route patterns (`/webhooks/composio`, `/hooks/:tenant`) and the exchange serving each. */
export class WebhookRoutes {
  private readonly routes: Array<{ segments: string[]; exchange: WebhookExchange }> = [];
  private readonly patterns = new Map<string, WebhookExchange | null>();

  add(pattern: string, exchange: WebhookExchange): void {
    this.routes.push({ segments: segmentsOf(pattern), exchange });
    this.patterns.clear();
  }

  /**
   * The exchange of the route `path` ends with: a global prefix, a URI version or a
   * `RouterModule` path in front of the route's own path still matches (`:param` segments match
   * any segment).
   */
  match(path: string | undefined): WebhookExchange | undefined {
    if (path === undefined || this.routes.length === 0) return undefined;
    const request = segmentsOf(path);
    return this.routes.find(({ segments }) => endsWith(request, segments))?.exchange;
  }

  /** `match` for a route pattern (Fastify's `routeOptions.url`): the app has few, so remembered. */
  matchPattern(pattern: string | undefined): WebhookExchange | undefined {
    if (pattern === undefined) return undefined;
    let exchange = this.patterns.get(pattern);
    if (exchange === undefined) {
      exchange = this.match(pattern) ?? null;
      this.patterns.set(pattern, exchange);
    }
    return exchange ?? undefined;
  }
}

function segmentsOf(path: string): string[] {
  return (path.split('?')[0] ?? '').split('/').filter((segment) => segment !== '');
}

function endsWith(request: string[], route: string[]): boolean {
  const offset = request.length - route.length;
  // A route at the root matches the root only, not every path.
  if (offset < 0 || (route.length === 0 && offset > 0)) return false;
  return route.every((segment, i) => segment === request[offset + i] || segment.startsWith(':'));
}

/**
 * Opens the exchange and reads the body: resolves to `{ result }` when the headers or the body
 * decided the answer, or to `{ body }` once it is kept for the route's controller or guard.
 */
async function readFirst(
  exchange: WebhookExchange,
  request: IncomingMessage,
  read: (limits: BodyLimits) => Promise<WebhookBody>,
): Promise<{ result?: ExchangeResult; body?: WebhookBody }> {
  let handOver: HandOver | undefined;
  const opened = exchange.open({
    method: 'POST',
    headers: request.headers,
    handOver: (delivery, body) =>
      handOver ? handOver(delivery, body) : Promise.reject(new Error('no route to hand over to')),
  });
  if (opened.decided) return { result: await opened.decided };
  let body: WebhookBody;
  try {
    body = await read(opened.limits);
  } catch (error) {
    return { result: await opened.bodyFailed(error) };
  }
  keepBody(request, (route) => {
    handOver = route;
    return opened.withBody(body);
  });
  return { body };
}

interface ExpressRequest extends IncomingMessage {
  body?: unknown;
}
type NodeNext = (error?: unknown) => void;

interface FastifyRequestLike {
  method: string;
  raw: IncomingMessage;
  routeOptions?: { url?: string };
}
interface FastifyLike {
  addHook(
    name: 'preParsing',
    hook: (
      request: FastifyRequestLike,
      reply: unknown,
      payload: Readable,
      done: (error: unknown, payload?: Readable) => void,
    ) => void,
  ): unknown;
}

/** What Fastify's parser gets instead of a webhook body the hook read (`size` bytes long). */
const STAND_IN = Buffer.from('null');
function standIn(size: number): Readable {
  const stream = new Readable({
    read() {
      this.push(STAND_IN);
      this.push(null);
    },
  });
  // Fastify checks the bytes it was given against `content-length` through this.
  return Object.assign(stream, { receivedEncodedLength: size });
}

/** Adds the body hook to the app's Express or Fastify instance (other platforms: none). */
export function addBodyHook(adapter: HttpServer, routes: WebhookRoutes): void {
  const answer = (response: unknown, result: ExchangeResult | undefined): boolean => {
    if (result?.type !== 'respond') return false;
    sendReceiverResponse(adapter, response, result.response);
    return true;
  };
  if (adapter.getType() === 'express') {
    adapter.use((req: ExpressRequest, res: unknown, next: NodeNext) => {
      const exchange = req.method === 'POST' ? routes.match(req.url) : undefined;
      if (!exchange) return next();
      readFirst(exchange, req, (limits) => readNodeRequest(req, limits, READER)).then(
        ({ result }) => answer(res, result) || next(),
        next,
      );
    });
  } else if (adapter.getType() === 'fastify') {
    (adapter.getInstance() as FastifyLike).addHook(
      'preParsing',
      (request, reply, payload, done) => {
        const exchange =
          request.method === 'POST' ? routes.matchPattern(request.routeOptions?.url) : undefined;
        if (!exchange) return done(null, payload);
        const contentLength = request.raw.headers['content-length'];
        readFirst(exchange, request.raw, (limits) =>
          readRawBody({ stream: payload, contentLength, limits, ...READER }),
        )
          .then(async ({ result, body }) => {
            if (answer(reply, result)) return;
            const size =
              typeof body === 'string' ? Buffer.byteLength(body) : (body?.byteLength ?? 0);
            // An empty body is never a delivery (401 or 400): the exchange answers it here, as the
            // stand-in would not match its `content-length: 0`.
            if (size === 0) return answer(reply, await takeBody(request.raw)?.());
            done(null, standIn(size));
          })
          .catch(done);
      },
    );
  }
}
