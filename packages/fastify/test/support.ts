/**
 * Shared test support: both Fastify majors (and the @fastify/formbody release of each), a
 * secret, signing helpers and a server on a free loopback port.
 */
import { type SignedWebhook, signerFor } from '@composio-webhooks/core/testing';
import type { ConformanceServer } from '@composio-webhooks/core/testing/conformance';
import formbody5 from '@fastify/formbody';
import formbody4 from '@fastify/formbody7';
import fastify5, {
  type FastifyInstance,
  type FastifyPluginCallback,
  type LightMyRequestResponse,
} from 'fastify';
import fastify4 from 'fastify4';

export type FastifyFactory = (options?: { logger?: boolean }) => FastifyInstance;

export interface FastifyMajor {
  name: string;
  fastify: FastifyFactory;
  /** `@fastify/formbody` for this major (7.x is Fastify 4's, 8.x Fastify 5's). */
  formbody: FastifyPluginCallback;
}

/** Every suite runs against both majors (the peer range is `^4.10.0 || ^5.0.0`). */
export const FASTIFY_MAJORS: readonly FastifyMajor[] = [
  {
    name: 'Fastify 4',
    fastify: fastify4 as unknown as FastifyFactory,
    formbody: formbody4 as unknown as FastifyPluginCallback,
  },
  { name: 'Fastify 5', fastify: fastify5 as FastifyFactory, formbody: formbody5 },
];

export const SECRET = 'composio-fastify-test-secret';
export const PATH = '/webhooks/composio';

/** Signs a delivery with the test secret (`{ secret }` to sign with another). */
export const sign = signerFor(SECRET);

/** Serves a Fastify app on a free loopback port (real HTTP). */
export async function listen(app: FastifyInstance): Promise<ConformanceServer> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
}

/** POSTs a signed delivery with `app.inject()` to `PATH` or `url` (other headers or body to tamper with it). */
export function inject(
  app: FastifyInstance,
  signed: SignedWebhook,
  change: { url?: string; headers?: Record<string, string>; payload?: string } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: change.url ?? PATH,
    headers: { ...signed.headers, ...change.headers },
    payload: change.payload ?? signed.body,
  });
}
