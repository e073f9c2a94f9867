/** Start-up behaviour: config mistakes throw at composioWebhook(), the receiver is built once. */
import { createWebhookRouter } from '@composio-webhooks/core';
import { buildTriggerMessage, configErrorOf, signWebhook } from '@composio-webhooks/core/testing';
import Koa from 'koa';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composioWebhook } from './index.js';

const configError = configErrorOf;

describe('composioWebhook() start-up', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('throws INVALID_CONFIG without a secret, naming COMPOSIO_WEBHOOK_SECRET', () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', '');
    const error = configError(() => composioWebhook({ router: createWebhookRouter() }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('COMPOSIO_WEBHOOK_SECRET');
    const verifyOnly = configError(() => composioWebhook());
    expect(verifyOnly.code).toBe('INVALID_CONFIG');
  });

  it('rejects options that are not an object', () => {
    const error = configError(() => composioWebhook(null as never));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(/^\[@composio-webhooks\/koa\] composioWebhook\(options\)/);
  });

  it.each(['', ' ', '/hooks?x=1', 42])('rejects path %j', (path) => {
    const error = configError(() => composioWebhook({ secret: 's', path: path as string }));
    expect(error.message).toContain('[@composio-webhooks/koa] `path` must be a URL path');
  });

  it('normalises path one way: a leading slash added, a trailing one ignored', async () => {
    const secret = 'koa-path-secret';
    const router = createWebhookRouter();
    for (const path of ['webhooks/composio', '/webhooks/composio/']) {
      const app = new Koa();
      app.use(composioWebhook({ secret, router, path, logger: false }));
      const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
      await request(app.callback())
        .post('/webhooks/composio')
        .set(signed.headers)
        .send(signed.body)
        .expect(200);
      await request(app.callback())
        .post('/webhooks/composio/')
        .set(signed.headers)
        .send(signed.body)
        .expect(200);
      await request(app.callback())
        .post('/webhooks/other')
        .set(signed.headers)
        .send(signed.body)
        .expect(404);
    }
  });

  it('rejects a router that is not a WebhookRouter and a bad maxBodyBytes', () => {
    expect(configError(() => composioWebhook({ secret: 's', router: {} as never })).code).toBe(
      'INVALID_CONFIG',
    );
    expect(configError(() => composioWebhook({ secret: 's', maxBodyBytes: -1 })).code).toBe(
      'INVALID_CONFIG',
    );
  });

  it('reads COMPOSIO_WEBHOOK_SECRET once, when the middleware is created', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', 'secret-at-start-up');
    const app = new Koa();
    app.use(composioWebhook({ router: createWebhookRouter(), logger: false }));
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', 'changed-later');
    const { body, headers } = await signWebhook({
      payload: buildTriggerMessage(),
      secret: 'secret-at-start-up',
    });
    await request(app.callback()).post('/').set(headers).send(body).expect(200);
  });

  it('accepts every secret of a rotation list and the standard secret format', async () => {
    const standard = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const app = new Koa();
    app.use(
      composioWebhook({
        router: createWebhookRouter(),
        secret: ['new-secret', 'old-secret'],
        logger: false,
      }),
    );
    const standardApp = new Koa();
    standardApp.use(
      composioWebhook({
        router: createWebhookRouter(),
        secret: standard,
        secretFormat: 'standard',
        logger: false,
      }),
    );
    for (const secret of ['new-secret', 'old-secret']) {
      const { body, headers } = await signWebhook({ payload: buildTriggerMessage(), secret });
      await request(app.callback()).post('/').set(headers).send(body).expect(200);
    }
    const signed = await signWebhook({
      payload: buildTriggerMessage(),
      secret: standard,
      secretFormat: 'standard',
    });
    await request(standardApp.callback())
      .post('/')
      .set(signed.headers)
      .send(signed.body)
      .expect(200);
  });
});
