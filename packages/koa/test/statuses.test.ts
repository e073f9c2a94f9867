/**
 * The status table of DESIGN.md through the Koa adapter, over real HTTP, on Koa 2 and 3:
 * 401 / 400 / 413 / 409 / 500 / duplicates / retry after a handler failure.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookRouter, WebhookEventType } from '@composio-webhooks/core';
import { buildTriggerMessage, messageId, signWebhook } from '@composio-webhooks/core/testing';
import Router from '@koa/router';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { type ComposioWebhookRouterOptions, composioWebhook } from '../src/index.js';
import {
  deferred,
  deliver,
  KOA_VERSIONS,
  type KoaClass,
  recordingRouter,
  SECRET,
  sign,
  silent,
  WEBHOOK_PATH,
} from './support.js';

function appWith(Koa: KoaClass, options: ComposioWebhookRouterOptions) {
  const app = new Koa();
  const routes = new Router();
  routes.post(WEBHOOK_PATH, composioWebhook(options));
  app.use(routes.routes());
  return app;
}

function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } }).error?.code;
}

describe.each(KOA_VERSIONS)('$name', ({ Koa }) => {
  describe('401: not provably from Composio', () => {
    const cases: ReadonlyArray<{
      name: string;
      code: string;
      prepare: () => Promise<{ body: string; headers: Record<string, string> }>;
    }> = [
      {
        name: 'signed with another secret',
        code: 'INVALID_SIGNATURE',
        prepare: () => signWebhook({ payload: buildTriggerMessage(), secret: 'someone-else' }),
      },
      {
        name: 'body changed after signing',
        code: 'INVALID_SIGNATURE',
        async prepare() {
          const signed = await sign(buildTriggerMessage());
          return { ...signed, body: signed.body.replace('octocat', 'mallory') };
        },
      },
      {
        name: 'timestamp 400 s old (tolerance 300 s)',
        code: 'TIMESTAMP_OUT_OF_TOLERANCE',
        prepare: () =>
          sign(buildTriggerMessage(), { timestamp: Math.floor(Date.now() / 1000) - 400 }),
      },
      {
        name: 'timestamp 400 s ahead (tolerance 300 s)',
        code: 'TIMESTAMP_OUT_OF_TOLERANCE',
        prepare: () =>
          sign(buildTriggerMessage(), { timestamp: Math.floor(Date.now() / 1000) + 400 }),
      },
      {
        name: 'no webhook-signature header',
        code: 'MISSING_HEADERS',
        async prepare() {
          const { body, headers } = await sign(buildTriggerMessage());
          const { 'webhook-signature': _dropped, ...rest } = headers;
          return { body, headers: rest };
        },
      },
      {
        name: 'no signature headers at all',
        code: 'MISSING_HEADERS',
        async prepare() {
          const { body } = await sign(buildTriggerMessage());
          return { body, headers: { 'content-type': 'application/json' } };
        },
      },
    ];

    it.each(cases)('$name → 401 $code, handlers not called', async ({ code, prepare }) => {
      const { router, handled } = recordingRouter();
      const app = appWith(Koa, { router, secret: SECRET, ...silent });
      const { body, headers } = await prepare();
      const response = await request(app.callback())
        .post(WEBHOOK_PATH)
        .set(headers)
        .send(body)
        .expect(401);
      expect(errorCode(response.body)).toBe(code);
      expect(response.text).not.toContain(SECRET);
      expect(handled).toEqual([]);
    });
  });

  describe('400: signature fine, body unusable', () => {
    it.each([
      ['malformed JSON', '{"id": "msg_1", "type": '],
      ['JSON that is not an object', '[1,2,3]'],
      ['an object that is not a Composio payload', '{"hello":"world"}'],
    ])('%s → 400 INVALID_PAYLOAD', async (_name, payload) => {
      const { router, handled } = recordingRouter();
      const app = appWith(Koa, { router, secret: SECRET, ...silent });
      const signed = await sign(payload, { id: messageId() });
      const response = await deliver(app.callback(), signed).expect(400);
      expect(errorCode(response.body)).toBe('INVALID_PAYLOAD');
      expect(handled).toEqual([]);
    });
  });

  describe('413: over maxBodyBytes', () => {
    function bigMessage(bytes: number) {
      return buildTriggerMessage({ data: { blob: 'x'.repeat(bytes) } });
    }

    it('rejects a body over a configured limit (content-length declared)', async () => {
      const { router, handled } = recordingRouter();
      const app = appWith(Koa, { router, secret: SECRET, maxBodyBytes: 4096, ...silent });
      const response = await deliver(app.callback(), await sign(bigMessage(8000))).expect(413);
      expect(errorCode(response.body)).toBe('PAYLOAD_TOO_LARGE');
      expect(handled).toEqual([]);
    });

    it('rejects a body over the default 1 MiB and accepts a 200 KB one', async () => {
      const { router, handled } = recordingRouter();
      const app = appWith(Koa, { router, secret: SECRET, ...silent });
      const big = await deliver(app.callback(), await sign(bigMessage(1024 * 1024 + 10)));
      expect(big.status).toBe(413);
      expect(errorCode(big.body)).toBe('PAYLOAD_TOO_LARGE');
      const fine = await sign(bigMessage(200 * 1024));
      await deliver(app.callback(), fine).expect(200);
      expect(handled.map((h) => h.id)).toEqual([
        fine.headers['webhook-id'],
        fine.headers['webhook-id'],
      ]);
    });

    it('rejects a chunked body (no content-length) once it passes the limit', async () => {
      const { router, handled } = recordingRouter();
      const app = appWith(Koa, { router, secret: SECRET, maxBodyBytes: 4096, ...silent });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const signed = await sign(bigMessage(20_000));
        const { status, text } = await new Promise<{ status: number; text: string }>(
          (resolve, reject) => {
            const req = httpRequest(
              {
                port,
                host: '127.0.0.1',
                method: 'POST',
                path: WEBHOOK_PATH,
                headers: signed.headers,
              },
              (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (chunk: string) => {
                  text += chunk;
                });
                res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
              },
            );
            req.on('error', reject);
            // Several writes without content-length: Node sends them chunked.
            for (let i = 0; i < signed.body.length; i += 1000)
              req.write(signed.body.slice(i, i + 1000));
            req.end();
          },
        );
        expect(status).toBe(413);
        expect(errorCode(JSON.parse(text))).toBe('PAYLOAD_TOO_LARGE');
        expect(handled).toEqual([]);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('dedupe', () => {
    it('answers a duplicate with 200 without running handlers again', async () => {
      const { router, handled } = recordingRouter();
      const app = appWith(Koa, { router, secret: SECRET, ...silent });
      const event = buildTriggerMessage({ slug: 'SLACK_RECEIVE_MESSAGE', data: { text: 'hi' } });
      const first = await deliver(app.callback(), await sign(event)).expect(200);
      expect(first.body).toEqual({ ok: true, id: event.id });
      // Composio's retry: same webhook-id, new timestamp and signature.
      const retry = await sign(event, { timestamp: Math.floor(Date.now() / 1000) + 1 });
      const second = await deliver(app.callback(), retry).expect(200);
      expect(second.body).toEqual({ ok: true, id: event.id, duplicate: true });
      expect(handled.map((h) => h.handler)).toEqual(['trigger-message']);
    });

    it('answers 409 with retry-after while the same delivery is being processed', async () => {
      const gate = deferred();
      const started = deferred();
      let runs = 0;
      const router = createWebhookRouter().on(WebhookEventType.TRIGGER_MESSAGE, async () => {
        runs += 1;
        started.resolve();
        await gate.promise;
      });
      const app = appWith(Koa, { router, secret: SECRET, ...silent });
      const signed = await sign(buildTriggerMessage());
      const slow = deliver(app.callback(), signed).then((response) => response);
      await started.promise;
      const concurrent = await deliver(app.callback(), signed);
      expect(concurrent.status).toBe(409);
      expect(errorCode(concurrent.body)).toBe('DUPLICATE_IN_FLIGHT');
      expect(concurrent.headers['retry-after']).toBe('5');
      gate.resolve();
      const first = await slow;
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ ok: true, id: signed.headers['webhook-id'] });
      const later = await deliver(app.callback(), signed).expect(200);
      expect(later.body).toMatchObject({ duplicate: true });
      expect(runs).toBe(1);
    });

    it('answers 500 when a handler throws, then processes the retry', async () => {
      let calls = 0;
      const router = createWebhookRouter().on(WebhookEventType.TRIGGER_MESSAGE, () => {
        calls += 1;
        if (calls === 1) throw new Error('database is down');
      });
      const errors: unknown[] = [];
      const app = appWith(Koa, {
        router,
        secret: SECRET,
        logger: { warn() {}, error: (message) => errors.push(message) },
      });
      const event = buildTriggerMessage();
      const failed = await deliver(app.callback(), await sign(event)).expect(500);
      expect(errorCode(failed.body)).toBe('HANDLER_FAILED');
      expect(failed.text).not.toContain('database is down');
      expect(String(errors[0])).toContain('database is down');
      const retry = await sign(event, { timestamp: Math.floor(Date.now() / 1000) + 60 });
      const processed = await deliver(app.callback(), retry).expect(200);
      expect(processed.body).toEqual({ ok: true, id: event.id });
      expect(calls).toBe(2);
    });

    it('processes every copy when idempotency is off', async () => {
      const { router, handled } = recordingRouter();
      const app = appWith(Koa, { router, secret: SECRET, idempotency: false, ...silent });
      const signed = await sign(buildTriggerMessage({ slug: 'X' }));
      await deliver(app.callback(), signed).expect(200);
      await deliver(app.callback(), signed).expect(200);
      expect(handled).toHaveLength(2);
    });
  });

  it('reports each outcome to onOutcome', async () => {
    const { router } = recordingRouter();
    const outcomes: string[] = [];
    const app = appWith(Koa, {
      router,
      secret: SECRET,
      onOutcome: (outcome) => outcomes.push(`${outcome.type}:${outcome.status}`),
      ...silent,
    });
    const signed = await sign(buildTriggerMessage());
    await deliver(app.callback(), signed).expect(200);
    await deliver(app.callback(), signed).expect(200);
    await request(app.callback()).post(WEBHOOK_PATH).send('{}').expect(401);
    expect(outcomes).toEqual(['processed:200', 'duplicate:200', 'rejected:401']);
  });
});
