/**
 * Every event type reaches the right handler, on Koa 2 and 3, mounted on plain Koa (the `path`
 * option) and on @koa/router.
 */

import { createRequire } from 'node:module';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
  messageId,
} from '@composio-webhooks/core/testing';
import Router from '@koa/router';
import type KoaApp from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { composioWebhook } from '../src/index.js';
import {
  deliver,
  KOA_VERSIONS,
  type KoaClass,
  recordingRouter,
  SECRET,
  sign,
  silent,
  WEBHOOK_PATH,
} from './support.js';

type Mount = (Koa: KoaClass) => {
  app: KoaApp;
  handled: ReturnType<typeof recordingRouter>['handled'];
};

const MOUNTS: ReadonlyArray<{ name: string; mount: Mount }> = [
  {
    name: 'plain Koa (path option)',
    mount(Koa) {
      const { router, handled } = recordingRouter();
      const app = new Koa();
      app.use(composioWebhook({ router, secret: SECRET, path: WEBHOOK_PATH, ...silent }));
      app.use((ctx) => {
        ctx.body = { other: ctx.path };
      });
      return { app, handled };
    },
  },
  {
    name: '@koa/router',
    mount(Koa) {
      const { router, handled } = recordingRouter();
      const app = new Koa();
      const routes = new Router();
      routes.post(WEBHOOK_PATH, composioWebhook({ router, secret: SECRET, ...silent }));
      routes.get('/health', (ctx) => {
        ctx.body = { ok: true };
      });
      app.use(routes.routes()).use(routes.allowedMethods());
      return { app, handled };
    },
  },
];

const EVENTS: ReadonlyArray<{
  name: string;
  payload: () => unknown;
  handlers: string[];
  version: string;
  slug?: string;
}> = [
  {
    name: 'V3 trigger message (GITHUB_COMMIT_EVENT)',
    payload: () => buildTriggerMessage(),
    handlers: ['github-commit', 'trigger-message'],
    version: 'V3',
    slug: 'GITHUB_COMMIT_EVENT',
  },
  {
    name: 'V3 trigger message (another slug)',
    payload: () =>
      buildTriggerMessage({ slug: 'GMAIL_NEW_GMAIL_MESSAGE', data: { subject: 'Hi ✉️ — café' } }),
    handlers: ['trigger-message'],
    version: 'V3',
    slug: 'GMAIL_NEW_GMAIL_MESSAGE',
  },
  {
    name: 'V3 connected account expired',
    payload: () => buildConnectionExpired(),
    handlers: ['connection-expired'],
    version: 'V3',
  },
  {
    name: 'V3 trigger disabled',
    payload: () => buildTriggerDisabled(),
    handlers: ['trigger-disabled'],
    version: 'V3',
  },
  {
    name: 'unknown composio.* type',
    payload: () => buildUnknownEvent('composio.connected_account.refreshed'),
    handlers: ['unknown'],
    version: 'V3',
  },
  {
    name: 'V1 trigger payload',
    payload: () => buildV1TriggerPayload(),
    handlers: ['github-commit', 'trigger-message'],
    version: 'V1',
    slug: 'GITHUB_COMMIT_EVENT',
  },
  {
    name: 'V2 trigger payload',
    payload: () => buildV2TriggerPayload(),
    handlers: ['github-commit', 'trigger-message'],
    version: 'V2',
    slug: 'GITHUB_COMMIT_EVENT',
  },
];

it('runs every suite on a real Koa 2 and Koa 3', () => {
  const require = createRequire(import.meta.url);
  const version = (name: string) =>
    (require(`${name}/package.json`) as { version: string }).version;
  expect(version('koa2')).toMatch(/^2\./);
  expect(version('koa')).toMatch(/^3\./);
  expect(KOA_VERSIONS.map((v) => v.major)).toEqual([2, 3]);
  expect(KOA_VERSIONS[0]?.Koa).not.toBe(KOA_VERSIONS[1]?.Koa);
});

describe.each(KOA_VERSIONS)('$name', ({ Koa }) => {
  describe.each(MOUNTS)('$name', ({ mount }) => {
    it.each(EVENTS)('dispatches a $name to its handler', async (event) => {
      const { app, handled } = mount(Koa);
      const id = messageId();
      const signed = await sign(event.payload(), { id });
      const response = await deliver(app.callback(), signed).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({ ok: true, id });
      expect(handled.map((h) => h.handler).sort()).toEqual([...event.handlers].sort());
      for (const record of handled) {
        expect(record.id).toBe(id);
        expect(record.version).toBe(event.version);
        if (event.slug) expect(record.slug).toBe(event.slug);
      }
    });

    it('leaves other routes to the app', async () => {
      const { app, handled } = mount(Koa);
      const other = await request(app.callback()).get('/health');
      expect(other.status).toBe(200);
      expect(handled).toEqual([]);
    });
  });

  it('with the path option, passes GET and other paths to next()', async () => {
    const { router, handled } = recordingRouter();
    const app = new Koa();
    app.use(composioWebhook({ router, secret: SECRET, path: WEBHOOK_PATH, ...silent }));
    app.use((ctx) => {
      ctx.body = { next: `${ctx.method} ${ctx.path}` };
    });
    const get = await request(app.callback()).get(WEBHOOK_PATH).expect(200);
    expect(get.body).toEqual({ next: `GET ${WEBHOOK_PATH}` });
    const signed = await sign(buildTriggerMessage());
    const elsewhere = await deliver(app.callback(), signed, '/elsewhere').expect(200);
    expect(elsewhere.body).toEqual({ next: 'POST /elsewhere' });
    expect(handled).toEqual([]);
  });

  it('with @koa/router, answers 405 for GET on the webhook route (allowedMethods)', async () => {
    const { router } = recordingRouter();
    const app = new Koa();
    const routes = new Router();
    routes.post(WEBHOOK_PATH, composioWebhook({ router, secret: SECRET, ...silent }));
    app.use(routes.routes()).use(routes.allowedMethods());
    const response = await request(app.callback()).get(WEBHOOK_PATH);
    expect(response.status).toBe(405);
    expect(response.headers.allow).toContain('POST');
  });
});
