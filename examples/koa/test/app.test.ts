import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
  messageId,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { describeExampleServer } from '@composio-webhooks/test-runtimes';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type HandledRecord } from '../src/app.js';

const secret = 'example-koa-secret';

async function post(app: ReturnType<typeof createApp>, payload: unknown, options = {}) {
  const { body, headers } = await signWebhook({ payload, secret, ...options });
  return request(app.callback()).post('/webhooks/composio').set(headers).send(body);
}

function quietApp() {
  const handled: HandledRecord[] = [];
  const app = createApp({ secret, onHandled: (record) => handled.push(record) });
  return { app, handled };
}

describe('example-koa app', () => {
  const log = console.log;
  const warn = console.warn;
  afterEach(() => {
    console.log = log;
    console.warn = warn;
  });

  it('runs one handler per event type', async () => {
    console.log = () => {};
    const { app, handled } = quietApp();
    const commit = buildTriggerMessage();
    const slack = buildTriggerMessage({ slug: 'SLACK_NEW_MESSAGE', data: { text: 'hi' } });
    const expired = buildConnectionExpired();
    const disabled = buildTriggerDisabled();
    const unknown = buildUnknownEvent('composio.connected_account.refreshed');
    for (const event of [commit, slack, expired, disabled, unknown]) {
      const res = await post(app, event);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, id: event.id });
    }
    expect(handled).toEqual([
      { handler: 'triggerMessage', id: commit.id, type: 'composio.trigger.message' },
      { handler: 'githubCommit', id: commit.id, type: 'composio.trigger.message' },
      { handler: 'triggerMessage', id: slack.id, type: 'composio.trigger.message' },
      { handler: 'connectionExpired', id: expired.id, type: 'composio.connected_account.expired' },
      { handler: 'triggerDisabled', id: disabled.id, type: 'composio.trigger.disabled' },
      { handler: 'unknownEvent', id: unknown.id, type: 'composio.connected_account.refreshed' },
    ]);
  });

  it('routes legacy V1 and V2 trigger payloads to the same handlers', async () => {
    console.log = () => {};
    const { app, handled } = quietApp();
    const v1 = messageId();
    const v2 = messageId();
    await post(app, buildV1TriggerPayload(), { id: v1 }).then((res) =>
      expect(res.status).toBe(200),
    );
    await post(app, buildV2TriggerPayload(), { id: v2 }).then((res) =>
      expect(res.status).toBe(200),
    );
    expect(handled.map((record) => `${record.handler} ${record.id}`).sort()).toEqual(
      [
        `githubCommit ${v1}`,
        `triggerMessage ${v1}`,
        `githubCommit ${v2}`,
        `triggerMessage ${v2}`,
      ].sort(),
    );
  });

  it('refuses a forged delivery and does not process a retry twice', async () => {
    console.log = () => {};
    console.warn = () => {};
    const { app, handled } = quietApp();
    const forged = await post(app, buildTriggerDisabled(), { secret: 'someone-else' });
    expect(forged.status).toBe(401);
    expect(handled).toEqual([]);

    const event = buildConnectionExpired();
    await post(app, event);
    const retry = await post(app, event, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(retry.body).toEqual({ ok: true, id: event.id, duplicate: true });
    expect(handled).toHaveLength(1);
  });

  it('answers malformed JSON with the adapter JSON error (no parser runs first)', async () => {
    console.warn = () => {};
    const { app, handled } = quietApp();
    const res = await post(app, '{"id": "msg_1", ', { id: messageId() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_PAYLOAD');
    expect(handled).toEqual([]);
  });

  it('keeps @koa/bodyparser working for the rest of the app', async () => {
    const { app } = quietApp();
    await request(app.callback()).get('/health').expect(200, { ok: true });
    await request(app.callback())
      .post('/echo')
      .send({ hello: 'koa' })
      .expect(200, { received: { hello: 'koa' } });
  });

  describeExampleServer(new URL('..', import.meta.url), { secret });
});
