/**
 * Router mode over real HTTP, on Express 4 and 5: every event type reaches its handler typed,
 * mounted the ways Express apps mount it (the status table itself is the conformance suite).
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
} from '@composio-webhooks/core/testing';
import request from 'supertest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ComposioWebhookOptions, composioWebhook, createWebhookRouter } from '../src/index.js';
import {
  type App,
  deliver,
  EXPRESS_MAJORS,
  type ExpressModule,
  PATH,
  recorder,
  SECRET,
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

  it('with the path option, app-wide: serves POST at path and passes everything else on', async () => {
    const seen: string[] = [];
    const router = createWebhookRouter().onAny((_event, delivery) => {
      seen.push(delivery.id);
    });
    const app = express();
    app.use(composioWebhook({ secret: SECRET, router, path: 'webhooks/composio/', logger: false }));
    app.use((req, res) => {
      res.json({ next: `${req.method} ${req.path}` });
    });
    const signed = await sign(buildTriggerMessage());
    await deliver(app, signed).expect(200, { ok: true, id: signed.headers['webhook-id'] });
    const trailing = await sign(buildTriggerMessage());
    await deliver(app, trailing, `${PATH}/`).expect(200);
    await request(app)
      .get(PATH)
      .expect(200, { next: `GET ${PATH}` });
    const elsewhere = await deliver(app, await sign(buildTriggerMessage()), '/elsewhere');
    expect(elsewhere.body).toEqual({ next: 'POST /elsewhere' });
    expect(seen).toEqual([signed.headers['webhook-id'], trailing.headers['webhook-id']]);
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
