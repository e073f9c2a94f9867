/**
 * Router mode over real HTTP, on Express 4 and 5: every event type reaches its handler typed,
 * and every status of DESIGN.md's table is answered as the receiver decides.
 */
import {
  type ConnectionExpiredEvent,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  type WebhookDelivery,
  WebhookEventType,
} from '@composio-webhooks/core';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
} from '@composio-webhooks/core/testing';
import request from 'supertest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ComposioWebhookOptions, composioWebhook, createWebhookRouter } from '../src/index.js';
import {
  type App,
  deliver,
  EXPRESS_MAJORS,
  type ExpressModule,
  recorder,
  sign,
} from './support.js';

declare module '@composio-webhooks/core' {
  interface TriggerPayloads {
    GITHUB_COMMIT_EVENT: { author: string; id: string; message: string; url: string };
  }
}

function appWith(
  express: ExpressModule,
  options: Partial<ComposioWebhookOptions> & Pick<ComposioWebhookOptions, 'router'>,
): { app: App; rec: ReturnType<typeof recorder> } {
  const rec = recorder();
  const app = express();
  app.post(
    '/webhooks/composio',
    composioWebhook({
      secret: 'composio-express-test-secret',
      logger: rec.logger,
      onOutcome: rec.onOutcome,
      ...options,
    }),
  );
  return { app, rec };
}

describe.each(EXPRESS_MAJORS)('router mode on %s', (_name, express) => {
  it('dispatches each event type to its handler, typed', async () => {
    const seen: string[] = [];
    const router = createWebhookRouter()
      .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
        expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>>();
        expectTypeOf(event.data.author).toEqualTypeOf<string>();
        expectTypeOf(delivery.id).toEqualTypeOf<string>();
        seen.push(`commit:${event.data.author}:${delivery.id}`);
      })
      .on(WebhookEventType.TRIGGER_MESSAGE, (event) => {
        expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent>();
        seen.push(`trigger:${event.metadata.trigger_slug}`);
      })
      .on(WebhookEventType.CONNECTION_EXPIRED, (event) => {
        expectTypeOf(event).toEqualTypeOf<ConnectionExpiredEvent>();
        seen.push(`expired:${event.data.toolkit.slug}:${event.data.status}`);
      })
      .on(WebhookEventType.TRIGGER_DISABLED, (event) => {
        expectTypeOf(event).toEqualTypeOf<TriggerDisabledEvent>();
        seen.push(`disabled:${event.data.trigger_name}`);
      })
      .onUnknown((event, delivery) => {
        expectTypeOf(event).toEqualTypeOf<UnknownComposioEvent>();
        expectTypeOf(delivery).toEqualTypeOf<WebhookDelivery<UnknownComposioEvent>>();
        seen.push(`unknown:${event.type}`);
      });
    const { app } = appWith(express, { router });

    const commit = await sign(buildTriggerMessage());
    const commitRes = await deliver(app, commit).expect(200);
    expect(commitRes.body).toEqual({ ok: true, id: commit.headers['webhook-id'] });
    expect(commitRes.headers['content-type']).toMatch(/^application\/json/);

    const gmail = buildTriggerMessage({ slug: 'GMAIL_NEW_GMAIL_MESSAGE', data: { subject: 'Hi' } });
    await deliver(app, await sign(gmail)).expect(200);
    await deliver(app, await sign(buildConnectionExpired({ toolkit: 'slack' }))).expect(200);
    await deliver(
      app,
      await sign(buildTriggerDisabled({ triggerName: 'SLACK_NEW_MESSAGE' })),
    ).expect(200);
    await deliver(app, await sign(buildUnknownEvent('composio.project.archived'))).expect(200);

    expect(seen).toEqual([
      // `on(type)` handlers run before `onTrigger(slug)` handlers of the same delivery.
      'trigger:GITHUB_COMMIT_EVENT',
      `commit:octocat:${commit.headers['webhook-id']}`,
      'trigger:GMAIL_NEW_GMAIL_MESSAGE',
      'expired:slack:EXPIRED',
      'disabled:SLACK_NEW_MESSAGE',
      'unknown:composio.project.archived',
    ]);
  });

  it('normalizes legacy V1 and V2 trigger payloads into trigger messages', async () => {
    const seen: Array<[string, string]> = [];
    const router = createWebhookRouter().on(WebhookEventType.TRIGGER_MESSAGE, (event, delivery) => {
      seen.push([delivery.version, event.metadata.trigger_slug]);
    });
    const { app } = appWith(express, { router });
    await deliver(app, await sign(buildV1TriggerPayload({ slug: 'SLACK_NEW_MESSAGE' }))).expect(
      200,
    );
    await deliver(app, await sign(buildV2TriggerPayload({ slug: 'GITHUB_COMMIT_EVENT' }))).expect(
      200,
    );
    expect(seen).toEqual([
      ['V1', 'SLACK_NEW_MESSAGE'],
      ['V2', 'GITHUB_COMMIT_EVENT'],
    ]);
  });

  it('answers 401 to forged, expired, future-dated and unsigned requests without running handlers', async () => {
    let calls = 0;
    const { app, rec } = appWith(express, {
      router: createWebhookRouter().onAny(() => {
        calls += 1;
      }),
    });
    const event = buildTriggerMessage();

    const forged = await sign(event, { secret: 'not-the-secret' });
    const forgedRes = await deliver(app, forged).expect(401);
    expect(forgedRes.body).toEqual({
      ok: false,
      error: { code: 'INVALID_SIGNATURE', message: 'Webhook signature verification failed.' },
    });

    const genuine = await sign(event);
    const tampered = await request(app)
      .post('/webhooks/composio')
      .set(genuine.headers)
      .send(genuine.body.replace('octocat', 'mallory'))
      .expect(401);
    expect(tampered.body.error.code).toBe('INVALID_SIGNATURE');

    const now = Math.floor(Date.now() / 1000);
    const expired = await deliver(app, await sign(event, { timestamp: now - 301 })).expect(401);
    expect(expired.body.error.code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = await deliver(app, await sign(event, { timestamp: now + 301 })).expect(401);
    expect(future.body.error.code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');

    const unsigned = await request(app)
      .post('/webhooks/composio')
      .set('content-type', 'application/json')
      .send(genuine.body)
      .expect(401);
    expect(unsigned.body.error.code).toBe('MISSING_HEADERS');

    const { 'webhook-signature': _dropped, ...withoutSignature } = genuine.headers;
    const noSignature = await request(app)
      .post('/webhooks/composio')
      .set(withoutSignature)
      .send(genuine.body)
      .expect(401);
    expect(noSignature.body.error.code).toBe('MISSING_HEADERS');

    expect(calls).toBe(0);
    // The answer never echoes the secret or the expected signature; the log says why.
    expect(JSON.stringify(forgedRes.body)).not.toContain('composio-express-test-secret');
    expect(rec.warnings.length).toBeGreaterThanOrEqual(6);
  });

  it('answers 400 to a correctly signed body that is not JSON or not a Composio payload', async () => {
    const { app } = appWith(express, { router: createWebhookRouter() });
    const notJson = await deliver(app, await sign('{"id": "msg_1", "type": ', { id: 'msg_1' }));
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('INVALID_PAYLOAD');
    const notComposio = await deliver(app, await sign({ hello: 'world' }, { id: 'msg_2' }));
    expect(notComposio.status).toBe(400);
    expect(notComposio.body.error.code).toBe('INVALID_PAYLOAD');
  });

  it('answers 413 to a body over maxBodyBytes, and accepts one just under it', async () => {
    let calls = 0;
    const { app } = appWith(express, {
      router: createWebhookRouter().onAny(() => {
        calls += 1;
      }),
      maxBodyBytes: 4096,
    });
    const big = await sign(buildTriggerMessage({ slug: 'BIG', data: { blob: 'x'.repeat(5000) } }));
    const res = await deliver(app, big).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const fits = buildTriggerMessage({ slug: 'BIG', data: { blob: '' } });
    const overhead = JSON.stringify(fits).length;
    (fits.data as { blob: string }).blob = 'x'.repeat(4096 - overhead);
    const exact = await sign(fits);
    expect(Buffer.byteLength(exact.body)).toBe(4096);
    await deliver(app, exact).expect(200);
    expect(calls).toBe(1);
  });

  it('answers a duplicate 200 without running the handler again', async () => {
    let calls = 0;
    const { app, rec } = appWith(express, {
      router: createWebhookRouter().onAny(() => {
        calls += 1;
      }),
    });
    const event = buildTriggerMessage();
    await deliver(app, await sign(event)).expect(200);
    // A retry: same webhook-id, new timestamp and signature.
    const retry = await deliver(
      app,
      await sign(event, { timestamp: Math.floor(Date.now() / 1000) + 1 }),
    ).expect(200);
    expect(retry.body).toEqual({ ok: true, id: event.id, duplicate: true });
    expect(calls).toBe(1);
    expect(rec.outcomes.map((o) => o.type)).toEqual(['processed', 'duplicate']);
  });

  it('answers 409 with retry-after to a duplicate that arrives while the first is still running', async () => {
    let release: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => {};
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { app } = appWith(express, {
      router: createWebhookRouter().onAny(async () => {
        started();
        await running;
      }),
    });
    const signed = await sign(buildTriggerMessage());
    const first = deliver(app, signed).then((res) => res);
    await handlerStarted;
    const second = await deliver(app, signed);
    expect(second.status).toBe(409);
    expect(second.headers['retry-after']).toBe('5');
    expect(second.body.error.code).toBe('DUPLICATE_IN_FLIGHT');
    release();
    expect((await first).status).toBe(200);
  });

  it('answers 500 when a handler throws, and processes the retry', async () => {
    let attempts = 0;
    const handled: string[] = [];
    const { app, rec } = appWith(express, {
      router: createWebhookRouter().onAny((event) => {
        attempts += 1;
        if (attempts === 1) throw new Error('database unavailable');
        handled.push(event.id);
      }),
    });
    const event = buildTriggerMessage();
    const failed = await deliver(app, await sign(event)).expect(500);
    expect(failed.body).toEqual({
      ok: false,
      error: { code: 'HANDLER_FAILED', message: 'The webhook handler failed; retry later.' },
    });
    expect(JSON.stringify(failed.body)).not.toContain('database unavailable');
    expect(rec.errors.join('\n')).toContain('database unavailable');

    const retried = await deliver(
      app,
      await sign(event, { timestamp: Math.floor(Date.now() / 1000) + 2 }),
    ).expect(200);
    expect(retried.body).toEqual({ ok: true, id: event.id });
    expect(handled).toEqual([event.id]);
    expect(attempts).toBe(2);
  });

  it('answers 503 when the idempotency store is down, or processes without dedupe with failOpen', async () => {
    const down = {
      claim: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    let calls = 0;
    const router = createWebhookRouter().onAny(() => {
      calls += 1;
    });
    const closed = appWith(express, { router, idempotency: down });
    const res = await deliver(closed.app, await sign(buildTriggerMessage())).expect(503);
    expect(res.body.error.code).toBe('STORE_UNAVAILABLE');
    expect(calls).toBe(0);

    const open = appWith(express, { router, idempotency: down, failOpen: true });
    await deliver(open.app, await sign(buildTriggerMessage())).expect(200);
    expect(calls).toBe(1);
  });

  it('works mounted app-wide with app.use(path) and as one of several route handlers', async () => {
    const seen: string[] = [];
    const router = createWebhookRouter().onAny((event) => {
      seen.push(event.type);
    });
    const rec = recorder();
    const app = express();
    app.use(
      '/webhooks/composio',
      composioWebhook({ secret: 'composio-express-test-secret', router, logger: rec.logger }),
    );
    // Other methods on the path are left to the app.
    app.get('/webhooks/composio', (_req, res) => {
      res.json({ healthy: true });
    });
    app.post('/other', (_req, res) => {
      res.status(204).end();
    });
    await deliver(app, await sign(buildTriggerDisabled())).expect(200);
    await request(app).get('/webhooks/composio').expect(200, { healthy: true });
    await request(app).post('/other').expect(204);
    expect(seen).toEqual([WebhookEventType.TRIGGER_DISABLED]);

    const routed = express.Router();
    routed.post(
      '/composio',
      (req, _res, next) => {
        req.headers['x-seen-by'] = 'auth';
        next();
      },
      composioWebhook({ secret: 'composio-express-test-secret', router, logger: rec.logger }),
    );
    const nested = express();
    nested.use('/webhooks', routed);
    await deliver(nested, await sign(buildConnectionExpired())).expect(200);
    expect(seen).toEqual([WebhookEventType.TRIGGER_DISABLED, WebhookEventType.CONNECTION_EXPIRED]);
  });
});
