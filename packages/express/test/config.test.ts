import { buildTriggerMessage, configErrorOf } from '@composio-webhooks/core/testing';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type ComposioWebhookOptions, composioWebhook, createWebhookRouter } from '../src/index.js';
import { deliver, PATH, sign } from './support.js';

const configError = configErrorOf;

describe('composioWebhook() configuration', () => {
  const saved = process.env.COMPOSIO_WEBHOOK_SECRET;
  afterEach(() => {
    if (saved === undefined) delete process.env.COMPOSIO_WEBHOOK_SECRET;
    else process.env.COMPOSIO_WEBHOOK_SECRET = saved;
  });

  it('throws at start-up on an empty secret, in both modes', () => {
    expect(configError(() => composioWebhook({ secret: '' })).code).toBe('INVALID_CONFIG');
    expect(
      configError(() => composioWebhook({ secret: '', router: createWebhookRouter() })).code,
    ).toBe('INVALID_CONFIG');
  });

  it('throws at start-up when the secret is omitted and COMPOSIO_WEBHOOK_SECRET is unset', () => {
    delete process.env.COMPOSIO_WEBHOOK_SECRET;
    expect(configError(() => composioWebhook({})).message).toContain('COMPOSIO_WEBHOOK_SECRET');
  });

  it('needs no options at all when COMPOSIO_WEBHOOK_SECRET is set (verify-only mode)', async () => {
    process.env.COMPOSIO_WEBHOOK_SECRET = 'env-only';
    const app = express();
    app.post(PATH, composioWebhook(), (req, res) => {
      res.json({ id: req.composio?.id });
    });
    const event = buildTriggerMessage();
    const res = await deliver(app, await sign(event, { secret: 'env-only' })).expect(200);
    expect(res.body).toEqual({ id: event.id });
  });

  it('reads COMPOSIO_WEBHOOK_SECRET once, when the middleware is created', async () => {
    process.env.COMPOSIO_WEBHOOK_SECRET = 'from-the-environment';
    const app = express();
    app.post(PATH, composioWebhook({ router: createWebhookRouter(), logger: false }));
    process.env.COMPOSIO_WEBHOOK_SECRET = 'changed-later';
    const signed = await sign(buildTriggerMessage(), { secret: 'from-the-environment' });
    await deliver(app, signed).expect(200);
  });

  it('rejects a non-object and an onRefusal that is not a function', () => {
    expect(
      configError(() => composioWebhook(null as unknown as ComposioWebhookOptions)).message,
    ).toMatch(
      /^\[@composio-webhooks\/express\] composioWebhook\(options\) takes an options object/,
    );
    expect(
      configError(() =>
        composioWebhook({ secret: 's', onRefusal: 'next' as unknown as () => void }),
      ).message,
    ).toContain('`onRefusal` must be a function');
  });

  it('passes receiver options through: a bad maxBodyBytes, router or store fails at start-up', () => {
    expect(configError(() => composioWebhook({ secret: 's', maxBodyBytes: 0 })).message).toContain(
      'maxBodyBytes',
    );
    expect(
      configError(() =>
        composioWebhook({ secret: 's', router: {} as ComposioWebhookOptions['router'] }),
      ).message,
    ).toContain('createWebhookRouter()');
    expect(
      configError(() =>
        composioWebhook({
          secret: 's',
          idempotency: {} as ComposioWebhookOptions['idempotency'],
        }),
      ).message,
    ).toContain('IdempotencyStore');
  });

  it('returns a three-argument request handler (four would make Express treat it as error middleware)', () => {
    expect(composioWebhook({ secret: 's' })).toHaveLength(3);
    expect(composioWebhook({ secret: 's', router: createWebhookRouter() })).toHaveLength(3);
  });
});
