/**
 * The raw body in every real Express set-up, on Express 4 and 5: before any parser, after
 * `express.raw()`, after `express.json({ verify })`, after `express.text()`, next to parsers that
 * do not match, and after a plain `express.json()` that consumed the stream (a clear 500, never a
 * hang, never re-serialized JSON).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRefusal } from '@composio-webhooks/core';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { composioWebhook, createWebhookRouter, isWebhookError, keepRawBody } from '../src/index.js';
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

interface Arrangement {
  name: string;
  mount(app: App, express: ExpressModule, webhook: RequestHandler): void;
}

/** Every set-up the README documents as working. */
const WORKING: Arrangement[] = [
  {
    name: 'no body parser at all (reads the stream)',
    mount(app, _express, webhook) {
      app.post(PATH, webhook);
    },
  },
  {
    name: 'registered before an app-wide express.json()',
    mount(app, express, webhook) {
      app.post(PATH, webhook);
      app.use(express.json());
    },
  },
  {
    name: 'app.use(path) before an app-wide express.json()',
    mount(app, express, webhook) {
      app.use(PATH, webhook);
      app.use(express.json());
    },
  },
  {
    name: "express.raw({ type: 'application/json' }) on its path",
    mount(app, express, webhook) {
      app.post(PATH, express.raw({ type: 'application/json', limit: '1mb' }), webhook);
    },
  },
  {
    name: 'app-wide express.json({ verify: keepRawBody })',
    mount(app, express, webhook) {
      app.use(express.json({ verify: keepRawBody, limit: '1mb' }));
      app.post(PATH, webhook);
    },
  },
  {
    name: 'app-wide express.json({ verify }) keeping req.rawBody by hand',
    mount(app, express, webhook) {
      app.use(
        express.json({
          limit: '1mb',
          verify: (req, _res, buf) => {
            (req as typeof req & { rawBody?: Buffer }).rawBody = buf;
          },
        }),
      );
      app.post(PATH, webhook);
    },
  },
  {
    name: "express.text({ type: 'application/json' }) on its path (string body)",
    mount(app, express, webhook) {
      app.post(PATH, express.text({ type: 'application/json', limit: '1mb' }), webhook);
    },
  },
  {
    name: 'app-wide parsers that do not match JSON (urlencoded, raw for images)',
    mount(app, express, webhook) {
      app.use(express.urlencoded({ extended: false }));
      app.use(express.raw({ type: 'image/*' }));
      app.post(PATH, webhook);
    },
  },
];

function build(
  express: ExpressModule,
  arrangement: Arrangement,
  options: { maxBodyBytes?: number } = {},
) {
  const seen: Array<{ id: string; author: unknown }> = [];
  const rec = recorder();
  const router = createWebhookRouter().onAny((event) => {
    seen.push({ id: event.id, author: (event.data as { author?: unknown }).author });
  });
  const webhook = composioWebhook({
    secret: SECRET,
    router,
    logger: rec.logger,
    onOutcome: rec.onOutcome,
    ...options,
  });
  const app = express();
  arrangement.mount(app, express, webhook);
  return { app, seen, rec };
}

describe.each(EXPRESS_MAJORS)('raw body on %s', (_name, express) => {
  describe.each(WORKING)('$name', (arrangement) => {
    it('verifies the exact bytes: pretty-printed, non-ASCII JSON that re-serializing would change', async () => {
      const { app, seen } = build(express, arrangement);
      const event = buildTriggerMessage({
        data: { author: 'Zoë 🚀', id: 'c1', message: 'café\u2028', url: 'https://x.test' },
      });
      // Two-space indentation and an escaped "é": JSON.stringify(JSON.parse(body)) differs.
      const body = JSON.stringify(event, null, 2).replace('café', 'caf\\u00e9');
      expect(JSON.stringify(JSON.parse(body))).not.toBe(body);
      const signed = await sign(body, { id: event.id });
      const res = await deliver(app, signed).timeout(5000);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, id: event.id });
      expect(seen).toEqual([{ id: event.id, author: 'Zoë 🚀' }]);
    });

    it('delivers a 200 KB trigger payload', async () => {
      const { app, seen } = build(express, arrangement);
      const event = buildTriggerMessage({
        slug: 'GMAIL_NEW_GMAIL_MESSAGE',
        data: { author: 'mail', messageText: 'x'.repeat(200 * 1024) },
      });
      await deliver(app, await sign(event))
        .timeout(5000)
        .expect(200);
      expect(seen).toHaveLength(1);
    });

    it('still rejects a forged body with 401', async () => {
      const { app, seen } = build(express, arrangement);
      const signed = await sign(buildTriggerMessage());
      const res = await request(app)
        .post(PATH)
        .set(signed.headers)
        .send(signed.body.replace('octocat', 'mallory'))
        .timeout(5000);
      expect(res.status).toBe(401);
      expect(seen).toEqual([]);
    });
  });

  it('answers 500 RAW_BODY_UNAVAILABLE after a plain express.json(), without hanging, and logs how to fix it', async () => {
    const { app, seen, rec } = build(express, {
      name: 'plain express.json()',
      mount(a, e, webhook) {
        a.use(e.json());
        a.post(PATH, webhook);
      },
    });
    const res = await deliver(app, await sign(buildTriggerMessage())).timeout(3000);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      ok: false,
      error: {
        code: 'RAW_BODY_UNAVAILABLE',
        message: 'The server could not read the raw webhook body.',
      },
    });
    expect(seen).toEqual([]);
    expect(rec.errors).toHaveLength(1);
    expect(rec.errors[0]).toContain('[@composio-webhooks/express]');
    expect(rec.errors[0]).toContain('TROUBLESHOOTING.md#raw_body_unavailable');
    expect(rec.outcomes[0]).toMatchObject({ type: 'rejected', code: 'RAW_BODY_UNAVAILABLE' });
  });

  it('hands RAW_BODY_UNAVAILABLE to next(err) when onRefusal throws it', async () => {
    const rec = recorder();
    const app = express();
    app.use(express.json());
    app.post(
      PATH,
      composioWebhook({ secret: SECRET, onRefusal: throwRefusal, logger: rec.logger }),
      (_req, res) => {
        res.status(200).end();
      },
    );
    const caught: unknown[] = [];
    const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
      caught.push(error);
      res.status(isWebhookError(error) ? error.status : 500).json({ handled: true });
    };
    app.use(errorHandler);
    const res = await deliver(app, await sign(buildTriggerMessage())).timeout(3000);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ handled: true });
    expect(caught).toHaveLength(1);
    const [error] = caught;
    expect(isWebhookError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'RAW_BODY_UNAVAILABLE', status: 500 });
    expect((error as Error).message).toMatch(/^\[@composio-webhooks\/express\] /);
    expect((error as Error).message).toContain('express.json({ verify: keepRawBody })');
  });

  it('answers 413 to an oversize body read from the stream, with or without content-length', async () => {
    const { app, seen } = build(express, WORKING[0] as Arrangement, { maxBodyBytes: 64 * 1024 });
    const signed = await sign(
      buildTriggerMessage({ slug: 'LARGE_EVENT', data: { blob: 'x'.repeat(100 * 1024) } }),
    );
    const res = await deliver(app, signed).timeout(5000);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    // Chunked upload: no content-length, the limit is enforced while reading.
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const chunked = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: PATH,
            headers: { ...signed.headers, 'transfer-encoding': 'chunked' },
          },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
            });
            response.on('end', () => resolve({ status: response.statusCode, body }));
          },
        );
        req.on('error', reject);
        for (let offset = 0; offset < signed.body.length; offset += 8192) {
          req.write(signed.body.slice(offset, offset + 8192));
        }
        req.end();
      });
      expect(chunked.status).toBe(413);
      expect(JSON.parse(chunked.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      server.close();
    }
    expect(seen).toEqual([]);
  });

  it('answers 413 when a parser left more bytes than maxBodyBytes', async () => {
    const { app } = build(express, WORKING[3] as Arrangement, { maxBodyBytes: 64 * 1024 });
    const signed = await sign(
      buildTriggerMessage({ slug: 'LARGE_EVENT', data: { blob: 'x'.repeat(100 * 1024) } }),
    );
    const res = await deliver(app, signed).timeout(5000);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('honours the charset: UTF-8 declared is fine, another charset is a 400', async () => {
    const { app, seen } = build(express, WORKING[0] as Arrangement);
    const utf8 = await sign(buildTriggerMessage());
    await request(app)
      .post(PATH)
      .set({ ...utf8.headers, 'content-type': 'application/json; charset=UTF-8' })
      .send(utf8.body)
      .expect(200);
    const latin1 = await sign(buildTriggerMessage());
    const res = await request(app)
      .post(PATH)
      .set({ ...latin1.headers, 'content-type': 'application/json; charset=iso-8859-1' })
      .send(latin1.body)
      .timeout(5000);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_PAYLOAD');
    expect(seen).toHaveLength(1);
  });
});

function throwRefusal(refusal: WebhookRefusal): never {
  throw refusal.error;
}
