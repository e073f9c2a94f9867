/**
 * The module's routes (built-in and guarded) read the exact bytes themselves, before and instead
 * of the platform's body parser, whatever the app's body-parser settings; the app's other routes
 * keep their parsed bodies. The documented error when a parser of the app's own consumed the
 * body anyway: 500 RAW_BODY_UNAVAILABLE, with a logged message saying how to fix it.
 */
import type { IncomingMessage } from 'node:http';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { ComposioDelivery, ComposioWebhookGuard } from '@composio-webhooks/nest';
import {
  Body,
  Controller,
  HttpCode,
  Module,
  Param,
  Post,
  UseGuards,
  VersioningType,
} from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { afterEach, describe, expect, it } from 'vitest';
import { RAW_BODY_HOW_TO_FIX } from '../../src/constants.js';
import { createTestApp, PLATFORMS, type Platform, type TestApp } from './support/app.js';
import { deliver, Recorder, sign, WebhookHandlers, webhooksModule } from './support/webhooks.js';

@Controller()
class AppController {
  @Post('guarded')
  @HttpCode(200)
  @UseGuards(ComposioWebhookGuard)
  handle(@ComposioDelivery('id') id: string, @Body() body: { id?: string }): object {
    return { id, bodyId: body.id };
  }

  /** Not a webhook route: the platform's parser runs as usual. */
  @Post('other')
  @HttpCode(200)
  other(@Body() body: unknown): object {
    return { parsed: body };
  }
}

/** A guarded route with a parameter, a URI version and a RouterModule path in front of it. */
@Controller({ path: 'tenants', version: '2' })
class TenantsController {
  @Post(':tenant/composio')
  @HttpCode(200)
  @UseGuards(ComposioWebhookGuard)
  handle(@ComposioDelivery('id') id: string, @Param('tenant') tenant: string): object {
    return { id, tenant };
  }
}
@Module({ controllers: [TenantsController] })
class TenantsModule {}

const RAW_BODY_UNAVAILABLE = {
  ok: false,
  error: {
    code: 'RAW_BODY_UNAVAILABLE',
    message: 'The server could not read the raw webhook body.',
  },
};

/** A Gmail message with a body of `kb` kilobytes. */
function big(kb: number) {
  return buildTriggerMessage({
    slug: 'GMAIL_NEW_GMAIL_MESSAGE',
    data: { body: 'x'.repeat(kb * 1024) },
  });
}

let apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.map((t) => t.close()));
  apps = [];
});

async function appWith(
  platform: Platform,
  nest: { rawBody?: boolean; bodyParser?: boolean; jsonLimit?: string | false },
) {
  const logged: string[] = [];
  const logger = {
    warn: (message: string) => logged.push(message),
    error: (message: string) => logged.push(message),
  };
  const t = await createTestApp({
    platform,
    ...nest,
    imports: [webhooksModule('forRoot', { logger })],
    providers: [Recorder, WebhookHandlers],
    controllers: [AppController],
  });
  apps.push(t);
  return { t, logged, recorder: t.app.get(Recorder) };
}

describe.each(PLATFORMS)('%s platform', (platform) => {
  it.each([
    ['rawBody: true', { rawBody: true }],
    ['no rawBody', { rawBody: false }],
    ['bodyParser: false', { bodyParser: false, jsonLimit: false as const }],
    ["Nest's default JSON limit (100 KB)", { jsonLimit: false as const }],
  ])(
    'with %s the module reads the body itself: 200 KB deliveries, malformed JSON answered by the module',
    async (_name, nest) => {
      const { t, recorder } = await appWith(platform, nest);
      expect((await deliver(t, big(200))).status).toBe(200);
      expect((await deliver(t, big(200), { path: '/guarded' })).status).toBe(200);
      expect(recorder.calls.filter((call) => call.handler === 'any')).toHaveLength(1);
      for (const path of ['/webhooks/composio', '/guarded']) {
        const malformed = await deliver(t, '{"id": "msg_1", "secret-ish": ', { path });
        expect(malformed.status).toBe(400);
        expect(malformed.body.error.code).toBe('INVALID_PAYLOAD');
        expect(malformed.text).not.toContain('secret-ish');
      }
    },
  );

  it('the guard verifies the exact bytes, and @Body() gets the parsed delivery', async () => {
    const { t } = await appWith(platform, { rawBody: true });
    // Whitespace and key order that re-serialized JSON would lose.
    const event = buildTriggerMessage();
    const body = `{ "id": ${JSON.stringify(event.id)},\n  "type": "composio.trigger.message", "timestamp": ${JSON.stringify(event.timestamp)}, "metadata": ${JSON.stringify(event.metadata, null, 4)}, "data": {"author":"octocat","message":"caf\\u00e9 \u{1F600}","id":"1","url":"u"} }`;
    const response = await deliver(t, body, { path: '/guarded' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: event.id, bodyId: event.id });
  });

  it("the app's other routes keep the platform's parsed body", async () => {
    const { t } = await appWith(platform, { rawBody: true });
    const response = await t.http().post('/other').send({ hello: 'world' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ parsed: { hello: 'world' } });
    const signed = await sign(buildTriggerMessage());
    const alsoSigned = await t.http().post('/other').set(signed.headers).send(signed.body);
    expect(alsoSigned.body.parsed).toMatchObject({ type: 'composio.trigger.message' });
  });

  it('under a global prefix the module still reads its own body', async () => {
    const t = await createTestApp({
      platform,
      imports: [webhooksModule('forRoot')],
      providers: [Recorder, WebhookHandlers],
      controllers: [AppController],
      configure: (app) => app.setGlobalPrefix('api'),
    });
    apps.push(t);
    for (const path of ['/api/webhooks/composio', '/api/guarded']) {
      expect((await deliver(t, big(200), { path })).status).toBe(200);
      const malformed = await deliver(t, '{"id": ', { path });
      expect(malformed.body.error.code).toBe('INVALID_PAYLOAD');
    }
  });
  it('a guarded route behind a URI version and a RouterModule path, with a parameter, reads its own body', async () => {
    const t = await createTestApp({
      platform,
      imports: [
        webhooksModule('forRoot', { path: false }),
        TenantsModule,
        RouterModule.register([{ path: 'hooks', module: TenantsModule }]),
      ],
      configure: (app) => {
        app.setGlobalPrefix('api');
        app.enableVersioning({ type: VersioningType.URI });
      },
    });
    apps.push(t);
    const path = '/api/v2/hooks/tenants/acme/composio';
    const event = big(200);
    const response = await deliver(t, event, { path });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: event.id, tenant: 'acme' });
    const malformed = await deliver(t, '{"id": ', { path });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('INVALID_PAYLOAD');
  });
});

describe('express platform, a parser that runs before the module', () => {
  it('such a parser that keeps req.rawBody (as the fix says): verified from those bytes', async () => {
    const t = await createTestApp({
      platform: 'express',
      imports: [webhooksModule('forRoot')],
      providers: [Recorder, WebhookHandlers],
      express: (adapter) =>
        adapter.use(
          (
            req: IncomingMessage & { body?: unknown; rawBody?: Buffer },
            _res: unknown,
            next: () => void,
          ) => {
            const chunks: Buffer[] = [];
            req.on('data', (chunk: Buffer) => chunks.push(chunk));
            req.on('end', () => {
              req.rawBody = Buffer.concat(chunks);
              req.body = JSON.parse(req.rawBody.toString('utf8'));
              next();
            });
          },
        ),
    });
    apps.push(t);
    expect((await deliver(t, big(200))).status).toBe(200);
    expect(t.app.get(Recorder).handlers()).toContain('any');
  });

  it('a parser on the Express instance given to Nest consumed the body: the documented error', async () => {
    const logged: string[] = [];
    const t = await createTestApp({
      platform: 'express',
      imports: [
        webhooksModule('forRoot', {
          logger: { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) },
        }),
      ],
      // Reads the stream and keeps only the parsed object, ahead of everything Nest adds.
      express: (adapter) =>
        adapter.use(
          (req: IncomingMessage & { body?: unknown }, _res: unknown, next: () => void) => {
            const chunks: Buffer[] = [];
            req.on('data', (chunk: Buffer) => chunks.push(chunk));
            req.on('end', () => {
              req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              next();
            });
          },
        ),
    });
    apps.push(t);
    const response = await deliver(t, buildTriggerMessage());
    expect(response.status).toBe(500);
    expect(response.body).toEqual(RAW_BODY_UNAVAILABLE);
    expect(logged[0]).toMatch(/^\[@composio-webhooks\/nest\] /);
    expect(logged[0]).toContain(RAW_BODY_HOW_TO_FIX);
  });
});
