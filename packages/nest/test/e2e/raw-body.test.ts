/**
 * Where the raw body comes from on each platform, and the documented error when it is gone:
 * 500 RAW_BODY_UNAVAILABLE, with a logged message saying to pass `rawBody: true` to
 * `NestFactory.create` and warning about `bodyParser: false`.
 */
import type { IncomingMessage } from 'node:http';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { ComposioDelivery, ComposioWebhookGuard } from '@composio-webhooks/nest';
import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, PLATFORMS, type Platform, type TestApp } from './support/app.js';
import { deliver, Recorder, WebhookHandlers, webhooksModule } from './support/webhooks.js';

@Controller('guarded')
class GuardedController {
  @Post()
  @HttpCode(200)
  @UseGuards(ComposioWebhookGuard)
  handle(@ComposioDelivery('id') id: string): { id: string } {
    return { id };
  }
}

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
    controllers: [GuardedController],
  });
  apps.push(t);
  return { t, logged, recorder: t.app.get(Recorder) };
}

describe.each(PLATFORMS)('%s platform', (platform) => {
  it('without rawBody: true the built-in route answers 500 RAW_BODY_UNAVAILABLE and says how to fix it', async () => {
    const { t, logged, recorder } = await appWith(platform, { rawBody: false });
    const response = await deliver(t, buildTriggerMessage());
    expect(response.status).toBe(500);
    expect(response.body).toEqual(RAW_BODY_UNAVAILABLE);
    expect(recorder.calls).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^\[@composio-webhooks\/nest\] /);
    expect(logged[0]).toContain('NestFactory.create(AppModule, { rawBody: true })');
    expect(logged[0]).toContain('bodyParser: false');
  });

  it('without rawBody: true the guard answers 500 RAW_BODY_UNAVAILABLE', async () => {
    const { t, logged } = await appWith(platform, { rawBody: false });
    const response = await deliver(t, buildTriggerMessage(), { path: '/guarded' });
    expect(response.status).toBe(500);
    expect(response.body).toEqual(RAW_BODY_UNAVAILABLE);
    expect(logged.join('\n')).toContain('rawBody: true');
  });

  it('with rawBody: true the guard verifies the exact bytes', async () => {
    const { t } = await appWith(platform, { rawBody: true });
    // Whitespace and key order that re-serialized JSON would lose.
    const event = buildTriggerMessage();
    const body = `{ "id": ${JSON.stringify(event.id)},\n  "type": "composio.trigger.message", "timestamp": ${JSON.stringify(event.timestamp)}, "metadata": ${JSON.stringify(event.metadata, null, 4)}, "data": {"author":"octocat","message":"caf\\u00e9 \u{1F600}","id":"1","url":"u"} }`;
    const response = await deliver(t, body, { path: '/guarded' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: event.id });
  });
});

describe('express platform, body parser settings', () => {
  it("Nest's default JSON limit (100 KB) answers 413 before the route: why the README raises it", async () => {
    const { t, recorder } = await appWith('express', { rawBody: true, jsonLimit: false });
    const small = await deliver(t, big(50));
    expect(small.status).toBe(200);
    const large = await deliver(t, big(200));
    expect(large.status).toBe(413);
    expect(recorder.calls.filter((call) => call.handler === 'any')).toHaveLength(1);
  });

  it("useBodyParser('json', { limit: '1mb' }) keeps rawBody and lets 200 KB through", async () => {
    const { t, recorder } = await appWith('express', { rawBody: true, jsonLimit: '1mb' });
    const response = await deliver(t, big(200));
    expect(response.status).toBe(200);
    expect(recorder.calls.filter((call) => call.handler === 'any')).toHaveLength(1);
  });

  it('bodyParser: false plus a JSON parser of your own: the documented error', async () => {
    const logged: string[] = [];
    const t = await createTestApp({
      platform: 'express',
      bodyParser: false,
      jsonLimit: false,
      imports: [
        webhooksModule('forRoot', {
          logger: { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) },
        }),
      ],
      // What `app.use(express.json())` does: read the stream, keep only the parsed object.
      configure: (app) =>
        app.use((req: IncomingMessage & { body?: unknown }, _res: unknown, next: () => void) => {
          const chunks: Buffer[] = [];
          req.on('data', (chunk: Buffer) => chunks.push(chunk));
          req.on('end', () => {
            req.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            next();
          });
        }),
    });
    apps.push(t);
    const response = await deliver(t, buildTriggerMessage());
    expect(response.status).toBe(500);
    expect(response.body).toEqual(RAW_BODY_UNAVAILABLE);
    expect(logged[0]).toContain('a JSON parser you register yourself');
  });

  it('bodyParser: false with no parser at all: the body stream is read directly', async () => {
    const { t } = await appWith('express', { bodyParser: false, jsonLimit: false });
    const response = await deliver(t, buildTriggerMessage());
    expect(response.status).toBe(200);
  });
});

describe('fastify platform, body parser settings', () => {
  it("bodyParser: false leaves Fastify's own JSON parser, which keeps no raw body: the documented error", async () => {
    const { t, logged } = await appWith('fastify', { rawBody: true, bodyParser: false });
    const response = await deliver(t, buildTriggerMessage());
    expect(response.status).toBe(500);
    expect(response.body).toEqual(RAW_BODY_UNAVAILABLE);
    expect(logged[0]).toContain('bodyParser: false');
  });
});
