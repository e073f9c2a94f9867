/**
 * The example app over real HTTP (@hono/node-server): each event type reaches its handler,
 * forgeries are refused, retries are not processed twice, and the server entry starts from the
 * environment.
 */
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { serveNode } from '@composio-webhooks/core/testing/conformance';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type HandledRecord } from '../src/app.js';

const secret = 'example-hono-secret';
const handled: HandledRecord[] = [];
let server: Awaited<ReturnType<typeof serveNode>>;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const app = createApp({ secret, onHandled: (record) => handled.push(record) });
  server = await serveNode(getRequestListener(app.fetch));
});
afterAll(async () => {
  await server.close();
  vi.restoreAllMocks();
});

async function post(payload: unknown, key = secret) {
  const signed = await signWebhook({ payload, secret: key });
  return fetch(`${server.url}/webhooks/composio`, {
    method: 'POST',
    body: signed.body,
    headers: signed.headers,
  });
}

describe('example-hono app', () => {
  it('runs one handler per event type', async () => {
    const events = [
      buildTriggerMessage(),
      buildConnectionExpired(),
      buildTriggerDisabled(),
      buildUnknownEvent('composio.connected_account.refreshed'),
    ];
    for (const event of events) {
      const answer = await post(event);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ ok: true, id: event.id });
    }
    expect(handled.map((record) => record.handler).sort()).toEqual([
      'connectionExpired',
      'githubCommit',
      'triggerDisabled',
      'triggerMessage',
      'unknownEvent',
    ]);
  });

  it('refuses forgeries and answers retries as duplicates', async () => {
    expect((await post(buildTriggerMessage(), 'not-the-secret')).status).toBe(401);
    const event = buildConnectionExpired();
    await post(event);
    expect(await (await post(event)).json()).toEqual({ ok: true, id: event.id, duplicate: true });
  });

  it('the rest of the app is unaffected', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ ok: true });
  });
});
