/**
 * The conformance app as one Web `fetch` handler, the same on every runtime: the router-mode
 * route, the verify-only route and the runs the suite reads. Pass it the web package (its source
 * in vitest, its `dist` in a runtime process) and core's testing kit.
 *
 * @param {typeof import('@composio-webhooks/web')} web
 * @param {typeof import('@composio-webhooks/core/testing')} testing
 * @param {Record<string, unknown>} [extra] more options (e.g. `secret` from a Worker's env)
 * @returns {(request: Request, context?: object) => Promise<Response>}
 */
export function conformanceFetch(web, testing, extra = {}) {
  const { CONFORMANCE_OPTIONS, CONFORMANCE_PATHS, createConformanceApp } = testing;
  const conformance = createConformanceApp();
  const options = { ...CONFORMANCE_OPTIONS, ...extra };
  const routed = web.composioWebhook({ ...options, router: conformance.router });
  const verifyOnly = web.withComposioWebhook(
    async (_request, delivery) =>
      Response.json({ handledBy: 'route' }, { status: await conformance.route(delivery) }),
    options,
  );
  return async (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === CONFORMANCE_PATHS.router) return routed(request, context);
    if (pathname === CONFORMANCE_PATHS.verifyOnly) return verifyOnly(request, context);
    if (pathname === CONFORMANCE_PATHS.runs) return Response.json(conformance.runs());
    return Response.json({ runtime: runtimeName() }, { status: 404 });
  };
}

/** Which runtime serves (the import tests check it). */
export function runtimeName() {
  const { Bun, Deno, process, navigator } = /** @type {any} */ (globalThis);
  if (Bun) return `bun ${Bun.version}`;
  if (Deno) return `deno ${Deno.version.deno}`;
  if (navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  return `node ${process.versions.node}`;
}
