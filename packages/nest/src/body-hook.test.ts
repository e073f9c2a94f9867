import type { WebhookExchange } from '@composio-webhooks/core/adapter';
import { describe, expect, it } from 'vitest';
import { WebhookRoutes } from './body-hook.js';

const builtIn = { name: 'built-in' } as unknown as WebhookExchange;
const guarded = { name: 'guarded' } as unknown as WebhookExchange;

describe('WebhookRoutes: which requests the body hook reads', () => {
  const routes = new WebhookRoutes();
  routes.add('/webhooks/composio/', builtIn);
  routes.add('tenants/:tenant/composio', guarded);

  it('a route, with whatever is in front of it (prefix, version, RouterModule path)', () => {
    expect(routes.match('/webhooks/composio')).toBe(builtIn);
    expect(routes.match('/webhooks/composio/?x=1')).toBe(builtIn);
    expect(routes.match('/api/v1/webhooks/composio')).toBe(builtIn);
    expect(routes.match('/api/tenants/acme/composio')).toBe(guarded);
    // Fastify gives the route's pattern.
    expect(routes.match('/api/tenants/:tenant/composio')).toBe(guarded);
  });

  it('nothing else', () => {
    expect(routes.match('/webhooks/composio/extra')).toBeUndefined();
    expect(routes.match('/composio')).toBeUndefined();
    expect(routes.match('/tenants/composio')).toBeUndefined();
    expect(routes.match(undefined)).toBeUndefined();
    expect(new WebhookRoutes().match('/webhooks/composio')).toBeUndefined();
  });

  it('a route at the root matches the root only', () => {
    const root = new WebhookRoutes();
    root.add('/', builtIn);
    expect(root.match('/')).toBe(builtIn);
    expect(root.match('/other')).toBeUndefined();
  });
});

describe('WebhookRoutes.matchPattern: Fastify route patterns, remembered', () => {
  it('answers as match does, before and after a route is added', () => {
    const routes = new WebhookRoutes();
    expect(routes.matchPattern('/api/webhooks/composio')).toBeUndefined();
    routes.add('/webhooks/composio', builtIn);
    expect(routes.matchPattern('/api/webhooks/composio')).toBe(builtIn);
    expect(routes.matchPattern('/api/webhooks/composio')).toBe(builtIn);
    expect(routes.matchPattern('/other')).toBeUndefined();
    expect(routes.matchPattern(undefined)).toBeUndefined();
  });
});
