/** Configuration mistakes throw a WebhookConfigError when the handler is built, saying how to fix them. */
import { configErrorOf } from '@composio-webhooks/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ComposioWebhookRouterOptions,
  composioWebhook,
  createWebhookRouter,
  WebhookConfigError,
  withComposioWebhook,
} from '../src/index.js';

const router = createWebhookRouter();
const savedSecret = process.env.COMPOSIO_WEBHOOK_SECRET;
afterEach(() => {
  if (savedSecret === undefined) delete process.env.COMPOSIO_WEBHOOK_SECRET;
  else process.env.COMPOSIO_WEBHOOK_SECRET = savedSecret;
});

/** Runs `build` as on a runtime without `process` (a Worker without nodejs_compat). */
function withoutProcess<T>(build: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process') as PropertyDescriptor;
  Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
  try {
    return build();
  } finally {
    Object.defineProperty(globalThis, 'process', descriptor);
  }
}

describe('composioWebhook()', () => {
  it('needs a router, and says what to use without one', () => {
    expect(() => composioWebhook({ secret: 's' } as ComposioWebhookRouterOptions)).toThrow(
      /^\[@composio-webhooks\/web\] composioWebhook\(\) needs a router: .*withComposioWebhook/,
    );
    expect(() => composioWebhook(undefined as unknown as ComposioWebhookRouterOptions)).toThrow(
      WebhookConfigError,
    );
  });

  it('reads COMPOSIO_WEBHOOK_SECRET where process.env exists, and names it when unset', () => {
    delete process.env.COMPOSIO_WEBHOOK_SECRET;
    expect(() => composioWebhook({ router })).toThrow(
      /^\[@composio-webhooks\/web\] No webhook secret: pass `secret` or set COMPOSIO_WEBHOOK_SECRET \(it is not set\)/,
    );
    process.env.COMPOSIO_WEBHOOK_SECRET = 'from-env';
    expect(typeof composioWebhook({ router })).toBe('function');
  });

  it('without process.env, a missing secret says to pass it (from the Worker env)', () => {
    const error = withoutProcess(() => {
      try {
        composioWebhook({ router });
      } catch (caught) {
        return caught;
      }
      return undefined;
    });
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect((error as Error).message).toMatch(
      /^\[@composio-webhooks\/web\] No webhook secret: this runtime has no process.env .* secret: env.COMPOSIO_WEBHOOK_SECRET/,
    );
    expect(withoutProcess(() => typeof composioWebhook({ router, secret: 's' }))).toBe('function');
  });

  it("passes core's checks on, prefixed with the package name", () => {
    expect(() => composioWebhook({ router, secret: '' })).toThrow(
      /^\[@composio-webhooks\/web\] `secret` is empty/,
    );
    expect(() => composioWebhook({ router, secret: 's', maxBodyBytes: -1 })).toThrow(
      /^\[@composio-webhooks\/web\] /,
    );
  });
});

describe('path: the runtime mounts a handler, so it takes none', () => {
  it.each([
    ['composioWebhook()', () => composioWebhook({ router, secret: 's', path: '/hooks' } as never)],
    [
      'withComposioWebhook()',
      () => withComposioWebhook(() => new Response(), { secret: 's', path: '/hooks' } as never),
    ],
  ])('%s: INVALID_CONFIG at start-up, saying to mount it there instead', (_name, build) => {
    const error = configErrorOf(build);
    expect(error.message).toMatch(/^\[@composio-webhooks\/web\] `path` is not an option here/);
    expect(error.message).toContain('"/hooks"');
  });
});

describe('withComposioWebhook()', () => {
  it('takes the handler first', () => {
    expect(() =>
      withComposioWebhook({ secret: 's' } as unknown as Parameters<typeof withComposioWebhook>[0]),
    ).toThrow(
      /^\[@composio-webhooks\/web\] withComposioWebhook\(handler, options\) takes your handler first/,
    );
  });

  it('takes no router (the handler answers)', () => {
    expect(() =>
      withComposioWebhook(() => new Response(), { secret: 's', router } as Parameters<
        typeof withComposioWebhook
      >[1]),
    ).toThrow(/takes no router: use composioWebhook\(\{ router \}\)/);
  });
});
