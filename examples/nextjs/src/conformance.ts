/**
 * The conformance suite's app, for the tests only: served under /conformance (App Router) and
 * /api/conformance-pages (Pages Router) when the server starts with COMPOSIO_CONFORMANCE=1;
 * otherwise those routes answer 404. One app per server process, whichever route imports it.
 */
import {
  CONFORMANCE_OPTIONS,
  type ConformanceApp,
  createConformanceApp,
} from '@composio-webhooks/core/testing';

export const conformanceEnabled = process.env.COMPOSIO_CONFORMANCE === '1';

const store = globalThis as { __exampleConformance?: ConformanceApp };
store.__exampleConformance ??= createConformanceApp();
export const conformance: ConformanceApp = store.__exampleConformance;

export { CONFORMANCE_OPTIONS };

export function notFound(): Response {
  return Response.json({ ok: false, error: 'not found' }, { status: 404 });
}
