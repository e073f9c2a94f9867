/**
 * The built-in route answers with the core receiver's status table (DESIGN.md) on both
 * platforms and with both ways of configuring the module: duplicates are not re-dispatched, a
 * throwing handler gives 500 and its retry succeeds, and bad requests get 401/400/413.
 */
import type { IdempotencyStore } from '@composio-webhooks/core';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PLATFORMS, type TestApp } from './support/app.js';
import {
  deliver,
  MODES,
  Recorder,
  SECRET,
  sign,
  useHandlersApp,
  WEBHOOK_PATH,
  WebhookHandlers,
  webhooksModule,
} from './support/webhooks.js';

const errorBody = (code: string) => ({
  ok: false,
  error: { code, message: expect.any(String) },
});

describe.each(PLATFORMS)('%s platform', (platform) => {
  describe.each(MODES)('ComposioWebhooksModule.%s', (mode) => {
    const app = useHandlersApp(platform, mode);

    it('a duplicate of a processed delivery gets 200 and is not dispatched again', async () => {
      const event = buildTriggerMessage();
      const first = await deliver(app.t, event);
      expect(first.status).toBe(200);
      // Composio's retry: same webhook-id, a new timestamp and attempt.
      const retry = await deliver(app.t, event, { timestamp: Math.floor(Date.now() / 1000) + 1 });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ ok: true, id: event.id, duplicate: true });
      expect(app.recorder.handlers()).toEqual(['any', 'commit', 'trigger:GITHUB_COMMIT_EVENT']);
    });

    it('a throwing handler gives 500, and the retry of the delivery succeeds', async () => {
      app.recorder.failuresLeft = 1;
      const event = buildTriggerMessage({ slug: 'FLAKY_TRIGGER', data: { n: 1 } });
      const failed = await deliver(app.t, event);
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual(errorBody('HANDLER_FAILED'));
      expect(JSON.stringify(failed.body)).not.toContain('the database is down');
      expect(app.recorder.calls.some((call) => call.handler === 'flaky')).toBe(false);

      const retry = await deliver(app.t, event);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ ok: true, id: event.id });
      expect(app.recorder.calls.filter((call) => call.handler === 'flaky')).toHaveLength(1);
    });

    it('a duplicate arriving while the first is still processed gets 409 with retry-after', async () => {
      let open!: () => void;
      app.recorder.gate = new Promise((resolve) => {
        open = resolve;
      });
      const event = buildTriggerMessage({ slug: 'SLOW_TRIGGER', data: {} });
      const signed = await sign(event);
      const first = app.t.http().post(WEBHOOK_PATH).set(signed.headers).send(signed.body);
      const firstDone = first.then((response) => response);
      // Wait until the first request is inside the handler.
      await waitFor(() => app.recorder.calls.some((call) => call.handler === 'any'));
      const second = await app.t.http().post(WEBHOOK_PATH).set(signed.headers).send(signed.body);
      expect(second.status).toBe(409);
      expect(second.body).toEqual(errorBody('DUPLICATE_IN_FLIGHT'));
      expect(second.headers['retry-after']).toBe('5');
      open();
      expect((await firstDone).status).toBe(200);
      expect(app.recorder.calls.filter((call) => call.handler === 'slow')).toHaveLength(1);
    });

    it('a forged signature gets 401', async () => {
      const event = buildTriggerMessage();
      const forged = await sign(event, { secret: 'not-the-secret' });
      const response = await app.t.http().post(WEBHOOK_PATH).set(forged.headers).send(forged.body);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorBody('INVALID_SIGNATURE'));
      expect(JSON.stringify(response.body)).not.toContain(SECRET);
      expect(app.recorder.calls).toEqual([]);
    });

    it('a tampered body gets 401', async () => {
      const event = buildTriggerMessage();
      const signed = await sign(event);
      const tampered = signed.body.replace('octocat', 'mallory');
      const response = await app.t.http().post(WEBHOOK_PATH).set(signed.headers).send(tampered);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorBody('INVALID_SIGNATURE'));
    });

    it('an expired timestamp gets 401', async () => {
      const response = await deliver(app.t, buildTriggerMessage(), {
        timestamp: Math.floor(Date.now() / 1000) - 600,
      });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorBody('TIMESTAMP_OUT_OF_TOLERANCE'));
      expect(app.recorder.calls).toEqual([]);
    });

    it('missing signature headers get 401', async () => {
      const response = await app.t
        .http()
        .post(WEBHOOK_PATH)
        .set('content-type', 'application/json')
        .send(JSON.stringify(buildTriggerMessage()));
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorBody('MISSING_HEADERS'));
    });

    it('a correctly signed body that is not a Composio payload gets 400', async () => {
      const response = await deliver(app.t, { hello: 'world' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorBody('INVALID_PAYLOAD'));
      expect(app.recorder.calls).toEqual([]);
    });

    it('a correctly signed body that is not JSON gets 400', async () => {
      // The platform's JSON parser rejects it before the route runs: still 400.
      const response = await deliver(app.t, '{"id": "msg_1", truncated');
      expect(response.status).toBe(400);
      expect(app.recorder.calls).toEqual([]);
    });

    it('a body over the platform limit (2 MB) gets 413', async () => {
      const event = buildTriggerMessage({ data: { body: 'x'.repeat(2 * 1024 * 1024) } as never });
      const response = await deliver(app.t, event);
      expect(response.status).toBe(413);
      expect(app.recorder.calls).toEqual([]);
    });
  });

  describe.each(MODES)('%s with maxBodyBytes: 150000', (mode) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        platform,
        imports: [webhooksModule(mode, { maxBodyBytes: 150_000 })],
        providers: [Recorder, WebhookHandlers],
      });
    });
    afterAll(() => t.close());

    it("a 200 KB body gets the receiver's 413", async () => {
      const event = buildTriggerMessage({ data: { body: 'x'.repeat(200 * 1024) } as never });
      const response = await deliver(t, event);
      expect(response.status).toBe(413);
      expect(response.body).toEqual(errorBody('PAYLOAD_TOO_LARGE'));
      expect(t.app.get(Recorder).calls).toEqual([]);
    });
  });

  describe('an unreachable idempotency store', () => {
    const failing: IdempotencyStore = {
      claim: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        platform,
        imports: [webhooksModule('forRoot', { idempotency: failing })],
        providers: [Recorder, WebhookHandlers],
      });
    });
    afterAll(() => t.close());

    it('gets 503 with retry-after, handlers not run', async () => {
      const response = await deliver(t, buildTriggerMessage());
      expect(response.status).toBe(503);
      expect(response.body).toEqual(errorBody('STORE_UNAVAILABLE'));
      expect(response.headers['retry-after']).toBe('5');
      expect(t.app.get(Recorder).calls).toEqual([]);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
