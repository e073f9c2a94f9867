/**
 * `path`, one rule per adapter kind (DESIGN.md, "One request path"): middleware serves `POST` at
 * `path` and passes everything else on; a route adapter registers its route at `path`, so the
 * exchange does not filter; a handler adapter takes no `path` at all.
 */
import { describe, expect, it } from 'vitest';
import { createExchange } from './create-exchange.js';
import { type AdapterKind, type ExchangeRequest } from './exchange.js';
import { createWebhookRouter } from './router.js';
import { buildTriggerMessage, configErrorOf, signWebhook } from './testing.js';

const secret = 'path-rule-secret';

function exchangeOf(kind: AdapterKind, path?: string) {
  return createExchange(
    { secret, router: createWebhookRouter(), logger: false, ...(path !== undefined && { path }) },
    { packageName: '@composio-webhooks/test', kind },
  );
}

async function signed(method: string, path: string): Promise<ExchangeRequest> {
  const { body, headers } = await signWebhook({ payload: buildTriggerMessage(), secret });
  return { method, path, headers, body: async () => body };
}

describe('path: middleware adapters (Express, Koa, Hono)', () => {
  it('serve POST at path, pass other paths and methods on', async () => {
    const exchange = exchangeOf('middleware', 'webhooks/composio/');
    expect(exchange.path).toBe('/webhooks/composio');
    const served = await exchange.handle(await signed('POST', '/webhooks/composio'));
    expect(served).toMatchObject({ type: 'respond', response: { status: 200 } });
    const trailing = await exchange.handle(await signed('POST', '/webhooks/composio/'));
    expect(trailing).toMatchObject({ type: 'respond', response: { status: 200 } });
    expect(await exchange.handle(await signed('POST', '/other'))).toEqual({ type: 'pass' });
    expect(await exchange.handle(await signed('GET', '/webhooks/composio'))).toEqual({
      type: 'pass',
    });
  });

  it('without path, serve every POST that reaches them', async () => {
    const exchange = exchangeOf('middleware');
    const served = await exchange.handle(await signed('POST', '/anywhere'));
    expect(served).toMatchObject({ type: 'respond', response: { status: 200 } });
  });
});

describe('path: route adapters (Fastify, Nest)', () => {
  it('keep path for registering their route; the exchange does not filter, other methods get 405', async () => {
    const exchange = exchangeOf('route', '/hooks');
    expect(exchange.path).toBe('/hooks');
    // The framework routed the request here: its path is the route's business, not the exchange's.
    const served = await exchange.handle(await signed('POST', '/hooks/'));
    expect(served).toMatchObject({ type: 'respond', response: { status: 200 } });
    const get = await exchange.handle(await signed('GET', '/hooks'));
    expect(get).toMatchObject({ response: { status: 405, headers: { allow: 'POST' } } });
  });
});

describe('path: handler adapters (Web, Next.js, AWS Lambda)', () => {
  it('refuse a path at start-up, saying to mount the handler there instead', () => {
    const error = configErrorOf(() => exchangeOf('handler', '/webhooks/composio'));
    expect(error.message).toMatch(/^\[@composio-webhooks\/test\] `path` is not an option here/);
    expect(error.message).toContain('mount the handler at that path');
  });

  it('answer POST on whatever path the platform mounted them, 405 for other methods', async () => {
    const exchange = exchangeOf('handler');
    expect(exchange.path).toBeUndefined();
    const served = await exchange.handle(await signed('POST', '/api/webhooks/composio'));
    expect(served).toMatchObject({ type: 'respond', response: { status: 200 } });
    const get = await exchange.handle(await signed('GET', '/api/webhooks/composio'));
    expect(get).toMatchObject({ response: { status: 405, headers: { allow: 'POST' } } });
  });
});
