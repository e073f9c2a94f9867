/**
 * User-owned controller mode: `@UseGuards(ComposioWebhookGuard)` on the user's route,
 * `@ComposioDelivery()` for the verified delivery, rejections with the receiver's statuses
 * (not Nest's default 403), and the claim settled by the route's answer.
 */
import {
  type ComposioEvent,
  type WebhookDelivery,
  WebhookEventType,
} from '@composio-webhooks/core';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import {
  ComposioDelivery,
  ComposioWebhookGuard,
  ComposioWebhooksService,
} from '@composio-webhooks/nest';
import { BadRequestException, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, PLATFORMS, type TestApp } from './support/app.js';
import {
  deliver,
  MODES,
  Recorder,
  sign,
  WebhookHandlers,
  webhooksModule,
} from './support/webhooks.js';

const ROUTE = '/hooks/composio';

@Controller('hooks')
class HooksController {
  attempts = 0;

  constructor(
    private readonly recorder: Recorder,
    private readonly webhooks: ComposioWebhooksService,
  ) {}

  @Post('composio')
  @HttpCode(200)
  @UseGuards(ComposioWebhookGuard)
  async receive(
    @ComposioDelivery() delivery: WebhookDelivery,
    @ComposioDelivery('event') event: ComposioEvent,
  ): Promise<{ received: string; type: string }> {
    this.attempts += 1;
    const slug = event.type === WebhookEventType.TRIGGER_MESSAGE ? event.metadata.trigger_slug : '';
    if (slug === 'FLAKY_TRIGGER' && this.recorder.failuresLeft > 0) {
      this.recorder.failuresLeft -= 1;
      throw new Error('the database is down');
    }
    if (slug === 'REJECTED_TRIGGER') throw new BadRequestException('not for us');
    if (slug === 'SLOW_TRIGGER') await this.recorder.gate;
    this.recorder.record('route', event, delivery);
    return { received: delivery.id, type: event.type };
  }

  /** A guarded route can run the decorated handlers itself. */
  @Post('dispatch')
  @HttpCode(200)
  @UseGuards(ComposioWebhookGuard)
  async dispatch(@ComposioDelivery() delivery: WebhookDelivery): Promise<{ dispatched: string }> {
    await this.webhooks.dispatch(delivery);
    return { dispatched: delivery.id };
  }

  @Post('unguarded')
  @HttpCode(200)
  unguarded(@ComposioDelivery() delivery: WebhookDelivery): string {
    return delivery.id;
  }
}

@Controller('twice')
@UseGuards(ComposioWebhookGuard)
class TwiceGuardedController {
  @Post()
  @HttpCode(200)
  @UseGuards(ComposioWebhookGuard)
  handle(@ComposioDelivery('id') id: string): { id: string } {
    return { id };
  }
}

const errorBody = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

describe.each(PLATFORMS)('%s platform', (platform) => {
  describe.each(MODES)('ComposioWebhooksModule.%s with path: false', (mode) => {
    let t: TestApp;
    let recorder: Recorder;
    let controller: HooksController;

    beforeAll(async () => {
      t = await createTestApp({
        platform,
        imports: [webhooksModule(mode, { path: false, maxBodyBytes: 150_000 })],
        providers: [Recorder, WebhookHandlers],
        controllers: [HooksController, TwiceGuardedController],
      });
      recorder = t.app.get(Recorder);
      controller = t.app.get(HooksController);
    });
    afterAll(() => t.close());
    beforeEach(() => {
      recorder.reset();
      controller.attempts = 0;
    });

    it('the guarded route gets the verified delivery through @ComposioDelivery()', async () => {
      const event = buildTriggerMessage();
      const response = await deliver(t, event, { path: ROUTE });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: event.id, type: 'composio.trigger.message' });
      expect(recorder.calls).toEqual([
        {
          handler: 'route',
          id: event.id,
          type: 'composio.trigger.message',
          deliveryId: event.id,
          version: 'V3',
        },
      ]);
    });

    it('a duplicate of a processed delivery gets 200 and the route does not run again', async () => {
      const event = buildTriggerMessage();
      expect((await deliver(t, event, { path: ROUTE })).status).toBe(200);
      const retry = await deliver(t, event, { path: ROUTE });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ ok: true, id: event.id, duplicate: true });
      expect(controller.attempts).toBe(1);
    });

    it('a forged signature gets 401 with the receiver body, not 403', async () => {
      const forged = await sign(buildTriggerMessage(), { secret: 'wrong' });
      const response = await t.http().post(ROUTE).set(forged.headers).send(forged.body);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorBody('INVALID_SIGNATURE'));
      expect(controller.attempts).toBe(0);
    });

    it('an expired timestamp gets 401', async () => {
      const response = await deliver(t, buildTriggerMessage(), {
        path: ROUTE,
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorBody('TIMESTAMP_OUT_OF_TOLERANCE'));
    });

    it('a signed body that is not a Composio payload gets 400', async () => {
      const response = await deliver(t, [1, 2, 3], { path: ROUTE });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorBody('INVALID_PAYLOAD'));
    });

    it('a body over maxBodyBytes gets 413', async () => {
      const event = buildTriggerMessage({ data: { body: 'x'.repeat(200 * 1024) } as never });
      const response = await deliver(t, event, { path: ROUTE });
      expect(response.status).toBe(413);
      expect(response.body).toEqual(errorBody('PAYLOAD_TOO_LARGE'));
      expect(controller.attempts).toBe(0);
    });

    it('a throwing route gives 500, and the retry of the delivery is processed', async () => {
      recorder.failuresLeft = 1;
      const event = buildTriggerMessage({ slug: 'FLAKY_TRIGGER', data: {} });
      const failed = await deliver(t, event, { path: ROUTE });
      expect(failed.status).toBe(500);
      const retry = await deliver(t, event, { path: ROUTE });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ received: event.id, type: 'composio.trigger.message' });
      expect(controller.attempts).toBe(2);
      expect(recorder.calls).toHaveLength(1);
    });

    it('a route answering 4xx releases the claim: the retry runs the route again', async () => {
      const event = buildTriggerMessage({ slug: 'REJECTED_TRIGGER', data: {} });
      expect((await deliver(t, event, { path: ROUTE })).status).toBe(400);
      expect((await deliver(t, event, { path: ROUTE })).status).toBe(400);
      expect(controller.attempts).toBe(2);
    });

    it('a duplicate arriving while the route still runs gets 409 with retry-after', async () => {
      let open!: () => void;
      recorder.gate = new Promise((resolve) => {
        open = resolve;
      });
      const signed = await sign(buildTriggerMessage({ slug: 'SLOW_TRIGGER', data: {} }));
      const first = t
        .http()
        .post(ROUTE)
        .set(signed.headers)
        .send(signed.body)
        .then((r) => r);
      while (controller.attempts === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await t.http().post(ROUTE).set(signed.headers).send(signed.body);
      expect(second.status).toBe(409);
      expect(second.body).toEqual(errorBody('DUPLICATE_IN_FLIGHT'));
      expect(second.headers['retry-after']).toBe('5');
      open();
      expect((await first).status).toBe(200);
      expect(controller.attempts).toBe(1);
    });

    it('a guarded route can run the decorated handlers with ComposioWebhooksService.dispatch', async () => {
      const event = buildTriggerMessage();
      const response = await deliver(t, event, { path: '/hooks/dispatch' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ dispatched: event.id });
      expect(recorder.handlers()).toEqual(['any', 'commit', 'trigger:GITHUB_COMMIT_EVENT']);
    });

    it('a guard on both the controller and the route claims the delivery once', async () => {
      const event = buildTriggerMessage();
      const response = await deliver(t, event, { path: '/twice' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: event.id });
    });

    it('@ComposioDelivery() without the guard is a 500 (set-up error), not a silent undefined', async () => {
      const response = await deliver(t, buildTriggerMessage(), { path: '/hooks/unguarded' });
      expect(response.status).toBe(500);
    });

    it('path: false serves no built-in route', async () => {
      const response = await deliver(t, buildTriggerMessage());
      expect(response.status).toBe(404);
    });
  });
});
