/**
 * The conformance app as a Hono app, the same on every runtime: `composioWebhook({ router })` on
 * the router path, verify-only `composioWebhook()` + a handler reading `c.get('composio')`, the
 * runs the suite reads, and an onError that answers 500. Pass it Hono, this package (source in
 * vitest, `dist` in a runtime process) and core's testing kit.
 *
 * @param {typeof import('hono').Hono} Hono
 * @param {typeof import('@composio-webhooks/hono')} adapter
 * @param {typeof import('@composio-webhooks/core/testing')} testing
 */
export function conformanceApp(Hono, adapter, testing) {
  const { CONFORMANCE_OPTIONS, CONFORMANCE_PATHS, createConformanceApp } = testing;
  const conformance = createConformanceApp();
  const app = new Hono();
  app.post(
    CONFORMANCE_PATHS.router,
    adapter.composioWebhook({ ...CONFORMANCE_OPTIONS, router: conformance.router }),
  );
  app.post(CONFORMANCE_PATHS.verifyOnly, adapter.composioWebhook(CONFORMANCE_OPTIONS), async (c) =>
    c.json({ handledBy: 'route' }, /** @type {200} */ (await conformance.route(c.get('composio')))),
  );
  app.get(CONFORMANCE_PATHS.runs, (c) => c.json(conformance.runs()));
  app.get('/', (c) => c.json({ runtime: runtimeName() }, 404));
  app.onError((_error, c) => c.json({ failed: true }, 500));
  return app;
}

/** Which runtime serves (the import tests check it). */
export function runtimeName() {
  const { Bun, Deno, process, navigator } = /** @type {any} */ (globalThis);
  if (Bun) return `bun ${Bun.version}`;
  if (Deno) return `deno ${Deno.version.deno}`;
  if (navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  return `node ${process.versions.node}`;
}
