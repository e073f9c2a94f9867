/**
 * Zero-boilerplate mode: the module's own route receives deliveries and dispatches them to the
 * decorated methods of ordinary providers, with their injected services, on both platforms and
 * with both ways of configuring the module.
 */
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
} from '@composio-webhooks/core/testing';
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from './support/app.js';
import { deliver, MODES, useHandlersApp } from './support/webhooks.js';

describe.each(PLATFORMS)('%s platform', (platform) => {
  describe.each(MODES)('ComposioWebhooksModule.%s', (mode) => {
    const app = useHandlersApp(platform, mode);

    it('@OnTriggerMessage(slug) and @OnTriggerMessage() receive a trigger message', async () => {
      const event = buildTriggerMessage();
      const response = await deliver(app.t, event);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true, id: event.id });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(app.recorder.handlers()).toEqual(['any', 'commit', 'trigger:GITHUB_COMMIT_EVENT']);
      expect(app.recorder.calls.find((call) => call.handler === 'commit')).toEqual({
        handler: 'commit',
        id: event.id,
        type: 'composio.trigger.message',
        deliveryId: event.id,
        version: 'V3',
      });
    });

    it('a trigger without a slug handler reaches only the generic handlers', async () => {
      const event = buildTriggerMessage({
        slug: 'GMAIL_NEW_GMAIL_MESSAGE',
        data: { subject: 'hi' },
      });
      expect((await deliver(app.t, event)).status).toBe(200);
      expect(app.recorder.handlers()).toEqual(['any', 'trigger:GMAIL_NEW_GMAIL_MESSAGE']);
    });

    it('@OnConnectionExpired() and @OnComposioEvent(types) receive an expired connection', async () => {
      const event = buildConnectionExpired({ toolkit: 'slack' });
      const response = await deliver(app.t, event, { timestamp: Math.floor(Date.now() / 1000) });
      expect(response.status).toBe(200);
      expect(app.recorder.handlers()).toEqual(['any', 'expired:slack', 'lifecycle']);
    });

    it('@OnTriggerDisabled() receives a disabled trigger', async () => {
      const event = buildTriggerDisabled({ triggerName: 'SLACK_RECEIVE_MESSAGE' });
      expect((await deliver(app.t, event)).status).toBe(200);
      expect(app.recorder.handlers()).toEqual([
        'any',
        'disabled:SLACK_RECEIVE_MESSAGE',
        'lifecycle',
      ]);
    });

    it('@OnUnknownComposioEvent() and @OnAnyComposioEvent() receive a type this version does not know', async () => {
      const event = buildUnknownEvent('composio.connected_account.refreshed');
      expect((await deliver(app.t, event)).status).toBe(200);
      expect(app.recorder.handlers()).toEqual([
        'any',
        'unknown:composio.connected_account.refreshed',
      ]);
    });

    it('V1 and V2 trigger payloads reach the same slug handler, normalized', async () => {
      expect((await deliver(app.t, buildV1TriggerPayload())).status).toBe(200);
      expect((await deliver(app.t, buildV2TriggerPayload())).status).toBe(200);
      const commits = app.recorder.calls.filter((call) => call.handler === 'commit');
      expect(commits.map((call) => call.version)).toEqual(['V1', 'V2']);
      expect(commits.every((call) => call.type === 'composio.trigger.message')).toBe(true);
    });

    it('handlers see the delivery: id and attempt header', async () => {
      const event = buildTriggerMessage();
      const { body, headers } = await import('./support/webhooks.js').then((m) => m.sign(event));
      const response = await app.t
        .http()
        .post('/webhooks/composio')
        .set({ ...headers, 'x-composio-delivery-attempt': '3' })
        .send(body);
      expect(response.status).toBe(200);
      const commit = app.recorder.calls.find((call) => call.handler === 'commit');
      expect(commit?.deliveryId).toBe(event.id);
      expect(commit?.attempt).toBe(3);
    });

    it("a 200 KB trigger payload is delivered with Nest's default set-up (its parser stops at 100 KB)", async () => {
      const event = buildTriggerMessage({
        slug: 'GMAIL_NEW_GMAIL_MESSAGE',
        data: { body: 'x'.repeat(200 * 1024) },
      });
      const response = await deliver(app.t, event);
      expect(response.status).toBe(200);
      expect(app.recorder.handlers()).toEqual(['any', 'trigger:GMAIL_NEW_GMAIL_MESSAGE']);
    });
  });
});
