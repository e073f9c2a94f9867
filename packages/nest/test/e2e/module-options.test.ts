/**
 * What the conformance suite (conformance.test.ts) does not cover: the module's options reach the
 * receiver with both ways of configuring it (`maxBodyBytes`, the idempotency store), and a
 * decorated provider method that throws is answered 500 and retried.
 */
import type { IdempotencyStore } from '@composio-webhooks/core';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PLATFORMS, type TestApp } from './support/app.js';
import {
  deliver,
  MODES,
  Recorder,
  useHandlersApp,
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

    it('a throwing decorated handler gives 500, and the retry of the delivery succeeds', async () => {
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
