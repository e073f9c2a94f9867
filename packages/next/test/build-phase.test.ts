/**
 * `next build` loads route modules without the runtime's secrets: during the build phase the
 * handlers are built on their first request; otherwise configuration mistakes throw at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  composioApiRoute,
  composioWebhook,
  createWebhookRouter,
  WebhookConfigError,
  withComposioWebhook,
} from '../src/index.js';

const router = createWebhookRouter();
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('without a secret', () => {
  it('throws when the route module loads at run time', () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    expect(() => composioWebhook({ router })).toThrow(WebhookConfigError);
    expect(() => withComposioWebhook(() => new Response())).toThrow(/No webhook secret/);
    expect(() => composioApiRoute({ router })).toThrow(/No webhook secret/);
  });

  it('does not fail `next build`; the first request reports it', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    vi.stubEnv('NEXT_PHASE', 'phase-production-build');
    const POST = composioWebhook({ router });
    const verifyOnly = withComposioWebhook(() => new Response());
    expect(() => composioApiRoute({ router })).not.toThrow();
    const request = new Request('http://localhost/', { method: 'POST', body: '{}' });
    await expect(POST(request)).rejects.toThrow(/No webhook secret/);
    await expect(verifyOnly(request)).rejects.toThrow(WebhookConfigError);
  });

  it('a handler built during the build works once the secret is there', async () => {
    vi.stubEnv('NEXT_PHASE', 'phase-production-build');
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    const POST = composioWebhook({ router });
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', 'set-at-run-time');
    const answer = await POST(new Request('http://localhost/', { method: 'GET' }));
    expect(answer.status).toBe(405);
  });

  it('composioApiRoute() needs a router', () => {
    expect(() =>
      composioApiRoute({ secret: 's' } as Parameters<typeof composioApiRoute>[0]),
    ).toThrow(/^\[@composio-webhooks\/next\] composioApiRoute\(\) needs a router/);
  });
});
