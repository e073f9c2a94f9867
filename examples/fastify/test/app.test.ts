import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { describeExampleServer } from '@composio-webhooks/test-runtimes';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type HandledRecord } from '../src/app.js';

const secret = 'example-fastify-secret';

describe('example-fastify app', () => {
  const handled: HandledRecord[] = [];
  let app: FastifyInstance;
  let base: string;
  const log = console.log;

  beforeAll(async () => {
    console.log = () => {};
    app = await createApp({ secret, onHandled: (record) => handled.push(record) });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    console.log = log;
    await app.close();
  });

  async function post(payload: unknown, options = {}, path = '/webhooks/composio') {
    const { body, headers } = await signWebhook({ payload, secret, ...options });
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers,
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  it('runs one handler per event type', async () => {
    handled.length = 0;
    const commit = buildTriggerMessage();
    const slack = buildTriggerMessage({ slug: 'SLACK_NEW_MESSAGE', data: { text: 'hi' } });
    const expired = buildConnectionExpired();
    const disabled = buildTriggerDisabled();
    const unknown = buildUnknownEvent('composio.connected_account.refreshed');
    for (const event of [commit, slack, expired, disabled, unknown]) {
      expect(await post(event)).toEqual({ status: 200, body: { ok: true, id: event.id } });
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

  it('refuses a forged delivery and does not process a retry twice', async () => {
    handled.length = 0;
    const forged = await post(buildTriggerDisabled(), { secret: 'someone-else' });
    expect(forged.status).toBe(401);
    expect(handled).toEqual([]);
    const event = buildConnectionExpired();
    await post(event);
    const retry = await post(event, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(retry.body).toEqual({ ok: true, id: event.id, duplicate: true });
    expect(handled).toHaveLength(1);
  });

  it('hands a verified delivery to its own route (verify-only mode)', async () => {
    handled.length = 0;
    const event = buildTriggerMessage();
    expect(await post(event, {}, '/webhooks/composio/own')).toEqual({
      status: 200,
      body: { received: event.id },
    });
    expect(handled).toEqual([{ handler: 'ownRoute', id: event.id, type: event.type }]);
    expect((await post(event, {}, '/webhooks/composio/own')).body).toMatchObject({
      duplicate: true,
    });
  });

  it("keeps Fastify's JSON parser for the rest of the app", async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
    const echo = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await echo.json()).toEqual({ parsed: { a: 1 } });
  });

  describeExampleServer(new URL('..', import.meta.url), { secret });
});
