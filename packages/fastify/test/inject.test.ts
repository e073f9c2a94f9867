/**
 * The plugin under `fastify.inject()` (no socket) on Fastify 4 and 5: router mode answers,
 * verify-only mode with the app's own parsers, the route's bodyLimit, and logging through
 * `request.log` with the webhook-id in the bindings.
 */
import { Writable } from 'node:stream';
import { buildConnectionExpired, buildTriggerMessage } from '@composio-webhooks/core/testing';
import { describe, expect, it } from 'vitest';
import { composioWebhooks, createWebhookRouter, WebhookEventType } from '../src/index.js';
import { FASTIFY_MAJORS, inject, PATH, SECRET, sign } from './support.js';

/** A pino destination that keeps every line. */
function logLines() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { lines, stream };
}

describe.each(FASTIFY_MAJORS)('$name: fastify.inject()', ({ fastify, formbody }) => {
  it('router mode: 200, a copy 200 duplicate, a forgery 401, GET 405, on the default path', async () => {
    const seen: string[] = [];
    const router = createWebhookRouter().on(WebhookEventType.CONNECTION_EXPIRED, (event) => {
      seen.push(event.data.toolkit.slug);
    });
    const app = fastify();
    await app.register(composioWebhooks, { secret: SECRET, router, logger: false });
    const signed = await sign(buildConnectionExpired({ toolkit: 'gmail' }));
    const post = (body: string) => inject(app, signed, { payload: body });

    const first = await post(signed.body);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ ok: true });
    expect((await post(signed.body)).json()).toMatchObject({ ok: true, duplicate: true });
    const forged = await post(`${signed.body} `);
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
    const get = await app.inject({ method: 'GET', url: PATH });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(seen).toEqual(['gmail']);
    await app.close();
  });

  it('router mode: any content type is verified as sent, whatever parsers the app has', async () => {
    const seen: string[] = [];
    const router = createWebhookRouter().onAny((event) => {
      seen.push(event.id);
    });
    const app = fastify();
    await app.register(formbody);
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
      done(null, String(body).toUpperCase());
    });
    await app.register(composioWebhooks, { secret: SECRET, router, logger: false });
    for (const contentType of [
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/octet-stream',
      'application/vnd.composio+json; charset=utf-8',
    ]) {
      const event = buildTriggerMessage();
      const signed = await sign(event);
      const answer = await inject(app, signed, { headers: { 'content-type': contentType } });
      expect(answer.statusCode, contentType).toBe(200);
    }
    expect(seen).toHaveLength(5);
    await app.close();
  });

  it('router mode: maxBodyBytes is the route bodyLimit, answered with the library 413', async () => {
    const app = fastify();
    await app.register(composioWebhooks, {
      secret: SECRET,
      router: createWebhookRouter(),
      maxBodyBytes: 2048,
      logger: false,
    });
    const signed = await sign(buildTriggerMessage({ data: { blob: 'x'.repeat(4096) } }));
    const answer = await inject(app, signed);
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    await app.close();
  });

  it('verify-only: request.composio on the user route, request.body from the app parser', async () => {
    const app = fastify();
    await app.register(composioWebhooks, { secret: SECRET, logger: false });
    app.post(PATH, { preParsing: app.verifyComposioWebhook }, async (request) => ({
      type: request.composio?.event.type,
      sameAsParsed: (request.body as { id?: string }).id === request.composio?.id,
    }));
    const event = buildTriggerMessage();
    const signed = await sign(event);
    const answer = await inject(app, signed);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ type: 'composio.trigger.message', sameAsParsed: true });
    // The route answered 2xx: processed, so the copy is answered by the library.
    const copy = await inject(app, signed);
    expect(copy.json()).toMatchObject({ ok: true, duplicate: true });
    const forged = await inject(app, signed, { payload: `${signed.body} ` });
    expect(forged.statusCode).toBe(401);
    await app.close();
  });

  it("router mode: an onRefusal that throws hands each refusal to the app's error handler", async () => {
    const app = fastify();
    const handed: Array<[string, unknown]> = [];
    app.setErrorHandler((error, _request, reply) => {
      handed.push([(error as { code?: string }).code ?? 'none', error instanceof Error]);
      return reply.code(418).send({ handed: true });
    });
    await app.register(composioWebhooks, {
      secret: SECRET,
      router: createWebhookRouter().onAny(() => undefined),
      logger: false,
      maxBodyBytes: 1024,
      onRefusal: (refusal) => {
        throw refusal.error;
      },
    });
    const signed = await sign(buildTriggerMessage());
    // From the headers (onRequest), from Fastify's body reader (over bodyLimit), from verification.
    const unsigned = await app.inject({ method: 'POST', url: PATH, payload: signed.body });
    const large = await sign(buildTriggerMessage({ data: { blob: 'x'.repeat(2048) } }));
    const tooLarge = await inject(app, large);
    const forged = await inject(app, signed, { payload: `${signed.body} ` });
    expect([unsigned.statusCode, tooLarge.statusCode, forged.statusCode]).toEqual([418, 418, 418]);
    expect(handed).toEqual([
      ['MISSING_HEADERS', true],
      ['PAYLOAD_TOO_LARGE', true],
      ['INVALID_SIGNATURE', true],
    ]);
    await app.close();
  });

  it('router mode: a charset other than UTF-8 is 400 before the body is verified', async () => {
    const app = fastify();
    let ran = false;
    const router = createWebhookRouter().onAny(() => {
      ran = true;
    });
    await app.register(composioWebhooks, { secret: SECRET, router, logger: false });
    const signed = await sign(buildTriggerMessage());
    const answer = await inject(app, signed, {
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
    expect(ran).toBe(false);
    await app.close();
  });

  it("verify-only: a body over the route's own bodyLimit is refused 413 before verification", async () => {
    const app = fastify();
    await app.register(composioWebhooks, { secret: SECRET, logger: false });
    let ran = false;
    app.post(PATH, { preParsing: app.verifyComposioWebhook, bodyLimit: 1024 }, async () => {
      ran = true;
      return {};
    });
    const signed = await sign(buildTriggerMessage({ data: { blob: 'x'.repeat(2048) } }));
    const answer = await inject(app, signed);
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(ran).toBe(false);
    await app.close();
  });

  it('logs through request.log (pino) with the webhook-id in the bindings', async () => {
    const { lines, stream } = logLines();
    const app = fastify({ logger: { level: 'warn', stream } } as never);
    const router = createWebhookRouter().onAny(() => {
      throw new Error('handler broke');
    });
    await app.register(composioWebhooks, { secret: SECRET, router });
    const signed = await sign(buildTriggerMessage());
    const answer = await inject(app, signed);
    expect(answer.statusCode).toBe(500);
    const forged = await inject(app, signed, { headers: { 'webhook-id': 'msg_forged' } });
    expect(forged.statusCode).toBe(401);
    const failure = lines.find((line) => line.level === 50);
    expect(failure).toMatchObject({
      webhookId: signed.headers['webhook-id'],
      reqId: expect.any(String),
      err: { message: 'handler broke' },
    });
    expect(String(failure?.msg)).toContain('handler');
    const refusal = lines.find((line) => line.level === 40);
    expect(refusal).toMatchObject({ webhookId: 'msg_forged', reqId: expect.any(String) });
    expect(String(refusal?.msg)).toMatch(/signature/i);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    await app.close();
  });
});
