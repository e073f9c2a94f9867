/**
 * The module's routes read their own body. Nest parses every request body before any route,
 * guard or filter runs (Express: body-parser answers malformed JSON with its own 400, inflates
 * gzip, stops at 100 KB, waits on a slow body; Fastify: its JSON parser refuses `__proto__`
 * keys, waits on a short body). So at start-up, once Nest has registered its parsers and routes,
 * the module tells the platform to leave the bodies of its webhook routes unread — the built-in
 * route and every route guarded by `ComposioWebhookGuard` — and core's exchange reads the exact
 * bytes itself, within `maxBodyBytes` and `bodyTimeoutMs`, and decides every answer.
 *
 * - Express: each body-parser layer of the app router (`jsonParser`, `urlencodedParser`,
 *   `textParser`, `rawParser`: Nest's, `useBodyParser`'s, an `app.use(express.json())`) passes
 *   POST requests of those routes on untouched.
 * - Fastify: an `onRequest` hook marks POST requests of those routes, and a content-type parser
 *   that reads nothing takes them; the request's own `content-type` is put back before Nest runs.
 */
import type { IncomingMessage } from 'node:http';
import type { HttpServer, LoggerService } from '@nestjs/common';
import type { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { COMPOSIO_ROUTE_METADATA, nestMessage } from './constants.js';
import { ComposioWebhookGuard } from './guard.js';

/** Nest's metadata keys (`@nestjs/common/constants`), stable across majors. */
const PATH_METADATA = 'path';
const GUARDS_METADATA = '__guards__';
/** The names body-parser gives its middleware (1.x and 2.x). */
const BODY_PARSERS: ReadonlySet<string> = new Set([
  'jsonParser',
  'urlencodedParser',
  'textParser',
  'rawParser',
]);
/** The content type a marked Fastify request is parsed as (by a parser that reads nothing). */
const UNREAD_CONTENT_TYPE = 'application/x-composio-webhooks-unread';
const ORIGINAL_CONTENT_TYPE = Symbol('composio-webhooks original content-type');

type Handle = (req: IncomingMessage & { path?: string }, res: unknown, next: () => void) => void;
interface ExpressLayer {
  handle: Handle;
  route?: { path?: unknown; methods?: Record<string, boolean> };
  match?(path: string): boolean;
}
interface ExpressApp {
  _router?: { stack?: ExpressLayer[] };
  router?: { stack?: ExpressLayer[] };
}
interface FastifyRequestLike {
  method: string;
  raw: IncomingMessage & { [ORIGINAL_CONTENT_TYPE]?: string | undefined };
  routeOptions?: { url?: string };
}
interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: unknown, done: () => void) => void,
  ): unknown;
  addContentTypeParser(
    type: string,
    parser: (request: FastifyRequestLike, payload: unknown, done: (error: null) => void) => void,
  ): unknown;
  hasContentTypeParser(type: string): boolean;
}

function joinPaths(...parts: unknown[]): string {
  const path = parts
    .flatMap((part) => (typeof part === 'string' ? part.split('/') : []))
    .filter((segment) => segment !== '')
    .join('/');
  return `/${path}`;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value ?? ''];
}

function isOurGuard(guard: unknown): boolean {
  return guard === ComposioWebhookGuard || guard instanceof ComposioWebhookGuard;
}

/**
 * The full paths of the module's webhook routes: the built-in controller's and every route
 * guarded by `ComposioWebhookGuard`, with and without the global prefix (a path that then
 * matches no route is answered 404 by Nest either way).
 */
export function webhookPaths(
  controllers: ReturnType<DiscoveryService['getControllers']>,
  scanner: MetadataScanner,
  moduleRef: ModuleRef,
): Set<string> {
  const prefix = globalPrefix(moduleRef);
  const paths = new Set<string>();
  for (const wrapper of controllers) {
    const controller = wrapper.metatype as (abstract new () => unknown) | undefined;
    if (typeof controller !== 'function') continue;
    const builtIn = Reflect.getMetadata(COMPOSIO_ROUTE_METADATA, controller) === true;
    const classGuarded = asList(Reflect.getMetadata(GUARDS_METADATA, controller)).some(isOurGuard);
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const method = prototype[name];
      if (typeof method !== 'function') continue;
      const methodPaths = Reflect.getMetadata(PATH_METADATA, method);
      if (methodPaths === undefined) continue;
      const guarded = asList(Reflect.getMetadata(GUARDS_METADATA, method)).some(isOurGuard);
      if (!builtIn && !classGuarded && !guarded) continue;
      for (const controllerPath of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const methodPath of asList(methodPaths)) {
          paths.add(joinPaths(controllerPath, methodPath));
          if (prefix) paths.add(joinPaths(prefix, controllerPath, methodPath));
        }
      }
    }
  }
  return paths;
}

/** `app.setGlobalPrefix()`'s value, read from the application config Nest keeps in its container. */
function globalPrefix(moduleRef: ModuleRef): string {
  const container = (
    moduleRef as unknown as {
      container?: { applicationConfig?: { getGlobalPrefix?(): string } };
    }
  ).container;
  return container?.applicationConfig?.getGlobalPrefix?.() ?? '';
}

/** Leaves the bodies of POST requests to `paths` unread by the platform's parsers. */
export function exemptFromBodyParsers(
  adapter: HttpServer,
  paths: Set<string>,
  logger: LoggerService,
): void {
  if (paths.size === 0) return;
  const type = adapter.getType();
  const instance: unknown = adapter.getInstance();
  const installed =
    type === 'express'
      ? exemptExpress(instance as ExpressApp, paths)
      : type === 'fastify'
        ? exemptFastify(instance as FastifyLike, paths)
        : true;
  if (!installed) {
    logger.warn(
      nestMessage(
        `Could not exempt the webhook routes from the ${type} body parser; they verify Nest's rawBody instead (create the app with { rawBody: true }). See TROUBLESHOOTING.md#raw_body_unavailable.`,
      ),
    );
  }
}

function exemptExpress(app: ExpressApp, paths: Set<string>): boolean {
  // Express 4 keeps the router on `_router` (its `router` getter throws); Express 5 on `router`.
  const stack = (app._router ?? app.router)?.stack;
  if (!Array.isArray(stack)) return false;
  const routes = stack.filter(
    (layer) =>
      layer.route?.methods?.post === true &&
      typeof layer.route.path === 'string' &&
      paths.has(joinPaths(layer.route.path)) &&
      typeof layer.match === 'function',
  );
  if (routes.length === 0) return false;
  const ours = (req: IncomingMessage & { path?: string }): boolean =>
    req.method === 'POST' &&
    routes.some((layer) => layer.match?.(req.path ?? (req.url ?? '/').split('?')[0] ?? '/'));
  for (const layer of stack) {
    const parser = layer.handle;
    if (layer.route || typeof parser !== 'function' || !BODY_PARSERS.has(parser.name)) continue;
    const skipping: Handle = (req, res, next) =>
      ours(req) ? next() : parser.call(undefined, req, res, next);
    // Keep the name: Nest looks parsers up by it (`isMiddlewareApplied`).
    Object.defineProperty(skipping, 'name', { value: parser.name });
    layer.handle = skipping;
  }
  return true;
}

function exemptFastify(fastify: FastifyLike, paths: Set<string>): boolean {
  if (typeof fastify.addHook !== 'function') return false;
  if (!fastify.hasContentTypeParser(UNREAD_CONTENT_TYPE)) {
    fastify.addContentTypeParser(UNREAD_CONTENT_TYPE, (request, _payload, done) => {
      const original = request.raw[ORIGINAL_CONTENT_TYPE];
      if (original === undefined) delete request.raw.headers['content-type'];
      else request.raw.headers['content-type'] = original;
      done(null);
    });
  }
  fastify.addHook('onRequest', (request, _reply, done) => {
    const url = request.routeOptions?.url;
    if (request.method === 'POST' && url !== undefined && paths.has(joinPaths(url))) {
      request.raw[ORIGINAL_CONTENT_TYPE] = request.raw.headers['content-type'];
      request.raw.headers['content-type'] = UNREAD_CONTENT_TYPE;
    }
    done();
  });
  return true;
}
