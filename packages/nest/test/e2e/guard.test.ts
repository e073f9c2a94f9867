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
import { deliver, MODES, Recorder, WebhookHandlers, webhooksModule } from './support/webhooks.js';

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

    it('a body over maxBodyBytes gets 413', async () => {
      const event = buildTriggerMessage({ data: { body: 'x'.repeat(200 * 1024) } as never });
      const response = await deliver(t, event, { path: ROUTE });
      expect(response.status).toBe(413);
      expect(response.body).toEqual(errorBody('PAYLOAD_TOO_LARGE'));
      expect(controller.attempts).toBe(0);
    });

    it('a route answering 4xx releases the claim: the retry runs the route again', async () => {
      const event = buildTriggerMessage({ slug: 'REJECTED_TRIGGER', data: {} });
      expect((await deliver(t, event, { path: ROUTE })).status).toBe(400);
      expect((await deliver(t, event, { path: ROUTE })).status).toBe(400);
      expect(controller.attempts).toBe(2);
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
