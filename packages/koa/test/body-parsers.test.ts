/**
 * Every body-parser arrangement a Koa app may have in front of the webhook, on Koa 2 and 3:
 * the adapter verifies the exact bytes that were sent (pretty-printed, non-ASCII JSON, which
 * re-serialization would break) or fails fast with RAW_BODY_UNAVAILABLE and how to fix it.
 */
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { koaBody as koaBody6 } from 'koa-body6';
import koaBodyParser from 'koa-bodyparser';
import { describe, expect, it } from 'vitest';
import { composioWebhook } from '../src/index.js';
import {
  deliver,
  KOA_VERSIONS,
  type KoaClass,
  recordingRouter,
  SECRET,
  sign,
  WEBHOOK_PATH,
} from './support.js';

/** Signed pretty-printed JSON with multi-byte characters: only the exact bytes verify. */
async function exactBytesDelivery() {
  const event = buildTriggerMessage({
    slug: 'GMAIL_NEW_GMAIL_MESSAGE',
    data: { subject: 'Réunion à 10 h ✅', from: 'zoë@example.com', body: '日本語 \u2028 😀' },
  });
  return { event, signed: await sign(JSON.stringify(event, null, 2)) };
}

/** Reads the stream, parses it and keeps no raw text: what a careless custom parser does. */
const consumingParser: Middleware = async (ctx, next) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  await next();
};

/** Reads the stream and leaves the bytes as a Buffer (a raw parser). */
const rawBufferParser: Middleware = async (ctx, next) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  (ctx.request as { body?: unknown }).body = Buffer.concat(chunks);
  await next();
};

const WORKING: ReadonlyArray<{ name: string; parser?: () => Middleware }> = [
  { name: 'no body parser (the adapter reads the stream)' },
  { name: '@koa/bodyparser before it (ctx.request.rawBody)', parser: () => bodyParser() },
  { name: 'koa-bodyparser before it (ctx.request.rawBody)', parser: () => koaBodyParser() },
  {
    name: 'koa-body 8 with includeUnparsed (ctx.request.rawBody)',
    parser: () => koaBody({ includeUnparsed: true }) as Middleware,
  },
  {
    name: 'koa-body 6 with includeUnparsed (Symbol.for("unparsedBody"))',
    // koa-body 6 is typed against @types/koa 2; the middleware is the same at runtime.
    parser: () => koaBody6({ includeUnparsed: true }) as unknown as Middleware,
  },
  { name: 'a raw parser leaving a Buffer in ctx.request.body', parser: () => rawBufferParser },
];

const BROKEN: ReadonlyArray<{ name: string; parser: () => Middleware }> = [
  { name: 'koa-body without includeUnparsed', parser: () => koaBody() as Middleware },
  { name: 'a custom parser that keeps no raw text', parser: () => consumingParser },
];

function appWith(Koa: KoaClass, parser: (() => Middleware) | undefined, extra = {}) {
  const { router, handled } = recordingRouter();
  const logged: string[] = [];
  const app = new Koa();
  if (parser) app.use(parser());
  app.use(
    composioWebhook({
      router,
      secret: SECRET,
      path: WEBHOOK_PATH,
      logger: { warn: (m) => logged.push(m), error: (m) => logged.push(m) },
      ...extra,
    }),
  );
  return { app, handled, logged };
}

describe.each(KOA_VERSIONS)('$name', ({ Koa }) => {
  it.each(WORKING)('verifies the exact bytes with $name', async ({ parser }) => {
    const { app, handled } = appWith(Koa, parser);
    const { event, signed } = await exactBytesDelivery();
    const response = await deliver(app.callback(), signed).timeout(5000).expect(200);
    expect(response.body).toEqual({ ok: true, id: event.id });
    expect(handled).toEqual([
      expect.objectContaining({ handler: 'trigger-message', slug: 'GMAIL_NEW_GMAIL_MESSAGE' }),
    ]);
  });

  it.each(BROKEN)(
    'answers 500 RAW_BODY_UNAVAILABLE at once after $name, saying how to fix it',
    async ({ parser }) => {
      const { app, handled, logged } = appWith(Koa, parser);
      const { signed } = await exactBytesDelivery();
      const started = performance.now();
      const response = await deliver(app.callback(), signed).timeout(5000).expect(500);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(response.body).toEqual({
        ok: false,
        error: {
          code: 'RAW_BODY_UNAVAILABLE',
          message: 'The server could not read the raw webhook body.',
        },
      });
      expect(handled).toEqual([]);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^\[@composio-webhooks\/koa\] The request body was already parsed/);
      expect(logged[0]?.match(/\[@composio-webhooks\/koa\]/g)).toHaveLength(1);
      expect(logged[0]).toContain('Mount composioWebhook() before any body parser');
      expect(logged[0]).toContain('@koa/bodyparser');
      expect(logged[0]).toContain('TROUBLESHOOTING.md#raw_body_unavailable');
    },
  );

  it('reads the stream when @koa/bodyparser skipped the content type', async () => {
    const { app, handled } = appWith(Koa, () => bodyParser());
    const { event, signed } = await exactBytesDelivery();
    // text/plain is not parsed by default: the parser sets ctx.request.body = {} and leaves the stream.
    const headers = { ...signed.headers, 'content-type': 'text/plain' };
    await deliver(app.callback(), { body: signed.body, headers } as typeof signed)
      .timeout(5000)
      .expect(200);
    expect(handled.map((h) => h.id)).toEqual([event.id]);
  });

  it('applies maxBodyBytes to the raw text a parser kept (413)', async () => {
    const { app, handled } = appWith(Koa, () => bodyParser(), { maxBodyBytes: 4096 });
    const signed = await sign(buildTriggerMessage({ data: { blob: 'x'.repeat(8000) } }));
    const response = await deliver(app.callback(), signed).expect(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(handled).toEqual([]);
  });

  it('rejects a non-UTF-8 charset with 400 (the exact bytes could not be parsed safely)', async () => {
    const { app, handled } = appWith(Koa, undefined);
    const { signed } = await exactBytesDelivery();
    const headers = { ...signed.headers, 'content-type': 'application/json; charset=latin1' };
    const response = await deliver(app.callback(), { body: signed.body, headers } as typeof signed);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_PAYLOAD');
    expect(handled).toEqual([]);
  });

  it('leaves malformed JSON to a parser that ran first (its own 400)', async () => {
    const { app, handled } = appWith(Koa, () => bodyParser());
    app.silent = true; // Koa would log the parser's SyntaxError to stderr.
    const signed = await sign('{"id": "msg_1", ');
    const response = await deliver(app.callback(), signed);
    expect(response.status).toBe(400);
    expect(handled).toEqual([]);
  });
});
