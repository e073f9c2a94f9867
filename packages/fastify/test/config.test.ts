/**
 * Configuration mistakes are `WebhookConfigError`s when the plugin is registered (start-up),
 * never per request; and the plugin's registration options (fastify-plugin metadata, `prefix`).
 */
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { composioWebhooks, createWebhookRouter, WebhookConfigError } from '../src/index.js';
import { FASTIFY_MAJORS, inject, SECRET, sign } from './support.js';

const saved = process.env.COMPOSIO_WEBHOOK_SECRET;
afterEach(() => {
  if (saved === undefined) delete process.env.COMPOSIO_WEBHOOK_SECRET;
  else process.env.COMPOSIO_WEBHOOK_SECRET = saved;
});

describe.each(FASTIFY_MAJORS)('$name: plugin options', ({ fastify }) => {
  async function registerError(
    register: (app: ReturnType<typeof fastify>) => Promise<unknown> | unknown,
  ): Promise<unknown> {
    const app = fastify();
    try {
      await register(app);
      await app.ready();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await app.close().catch(() => undefined);
    }
  }

  it.each([
    ['no secret and no COMPOSIO_WEBHOOK_SECRET', {}, /COMPOSIO_WEBHOOK_SECRET/],
    ['an empty secret', { secret: '' }, /secret/],
    [
      'a path with a query',
      { secret: SECRET, router: createWebhookRouter(), path: '/a?b' },
      /path/,
    ],
    ['a non-function onRefusal', { secret: SECRET, onRefusal: 'throw' }, /onRefusal/],
    ['a negative maxBodyBytes', { secret: SECRET, maxBodyBytes: -1 }, /maxBodyBytes/],
    [
      'a path without a router',
      { secret: SECRET, path: '/webhooks/composio' },
      /registers its route, which it does only with a `router`.*verifyComposioWebhook/,
    ],
  ])('%s: WebhookConfigError at register time', async (_name, options, pattern) => {
    delete process.env.COMPOSIO_WEBHOOK_SECRET;
    const error = await registerError((app) => app.register(composioWebhooks, options as never));
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect((error as Error).message).toMatch(/^\[@composio-webhooks\/fastify\] /);
    expect((error as Error).message).toMatch(pattern);
  });

  it('verify-only twice in one context says how to scope it', async () => {
    const error = await registerError(async (app) => {
      await app.register(composioWebhooks, { secret: SECRET });
      await app.register(composioWebhooks, { secret: 'other' });
    });
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect((error as Error).message).toContain('its own fastify.register');
  });

  it('router mode twice (two paths) and verify-only in two scopes are fine', async () => {
    const app = fastify();
    await app.register(composioWebhooks, {
      secret: SECRET,
      router: createWebhookRouter(),
      path: '/a',
    });
    await app.register(composioWebhooks, {
      secret: SECRET,
      router: createWebhookRouter(),
      path: '/b',
    });
    for (const scope of ['/c', '/d']) {
      await app.register(async (child) => {
        await child.register(composioWebhooks, { secret: SECRET, logger: false });
        child.post(scope, { preParsing: child.verifyComposioWebhook }, async () => ({ scope }));
      });
    }
    await app.ready();
    const signed = await sign(buildTriggerMessage());
    const answer = await inject(app, signed, { url: '/d' });
    expect(answer.json()).toEqual({ scope: '/d' });
    await app.close();
  });

  it('honours `prefix` (which Fastify ignores for fastify-plugin plugins) and fastify-plugin metadata', async () => {
    const app = fastify();
    await app.register(composioWebhooks, {
      secret: SECRET,
      router: createWebhookRouter(),
      prefix: '/api',
      logger: false,
    });
    const signed = await sign(buildTriggerMessage());
    const post = (url: string) => inject(app, signed, { url });
    expect((await post('/api/webhooks/composio')).statusCode).toBe(200);
    expect((await post('/webhooks/composio')).statusCode).toBe(404);
    const meta = (composioWebhooks as unknown as Record<symbol, unknown>)[
      Symbol.for('plugin-meta')
    ];
    expect(meta).toMatchObject({ name: '@composio-webhooks/fastify', fastify: '4.x || 5.x' });
    await app.close();
  });
});
