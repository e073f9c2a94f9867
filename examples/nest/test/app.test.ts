import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { describeExampleServer } from '@composio-webhooks/test-runtimes';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CreateAppOptions, createApp, type HandledRecord } from '../src/app.js';

const secret = 'example-nest-secret';
let apps: INestApplication[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});

async function startApp(options: CreateAppOptions = {}) {
  const handled: HandledRecord[] = [];
  const app = await createApp({
    secret,
    logger: false,
    onHandled: (record) => handled.push(record),
    ...options,
  });
  apps.push(app);
  await app.init();
  if (options.platform === 'fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  }
  const post = async (payload: unknown, signing: { secret?: string; timestamp?: number } = {}) => {
    const { body, headers } = await signWebhook({ payload, secret, ...signing });
    return request(app.getHttpServer()).post('/webhooks/composio').set(headers).send(body);
  };
  return { app, handled, post };
}

describe.each(['express', 'fastify'] as const)('example-nest on %s', (platform) => {
  it('runs one decorated handler per event type', async () => {
    const { handled, post } = await startApp({ platform });
    const commit = buildTriggerMessage();
    const slack = buildTriggerMessage({ slug: 'SLACK_NEW_MESSAGE', data: { text: 'hi' } });
    const expired = buildConnectionExpired();
    const disabled = buildTriggerDisabled();
    const unknown = buildUnknownEvent('composio.connected_account.refreshed');
    for (const event of [commit, slack, expired, disabled, unknown]) {
      const response = await post(event);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true, id: event.id });
    }
    const byId = (id: string) =>
      handled
        .filter((record) => record.id === id)
        .map((record) => record.handler)
        .sort();
    expect(byId(commit.id)).toEqual(['githubCommit', 'triggerMessage']);
    expect(byId(slack.id)).toEqual(['triggerMessage']);
    expect(byId(expired.id)).toEqual(['connectionExpired']);
    expect(byId(disabled.id)).toEqual(['triggerDisabled']);
    expect(handled.find((record) => record.id === unknown.id)).toEqual({
      handler: 'unknownEvent',
      id: unknown.id,
      type: 'composio.connected_account.refreshed',
    });
    expect(handled).toHaveLength(6);
  });

  it('refuses a forged delivery and does not process a retry twice', async () => {
    const { handled, post } = await startApp({ platform });
    const forged = await post(buildTriggerDisabled(), { secret: 'someone-else' });
    expect(forged.status).toBe(401);
    expect(handled).toEqual([]);

    const event = buildConnectionExpired();
    expect((await post(event)).status).toBe(200);
    const retry = await post(event, { timestamp: Math.floor(Date.now() / 1000) + 1 });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ok: true, id: event.id, duplicate: true });
    expect(handled).toHaveLength(1);
  });

  it('accepts a 200 KB trigger payload', async () => {
    const { handled, post } = await startApp({ platform });
    const event = buildTriggerMessage({
      slug: 'GMAIL_NEW_GMAIL_MESSAGE',
      data: { body: 'x'.repeat(200 * 1024) },
    });
    expect((await post(event)).status).toBe(200);
    expect(handled.map((record) => record.handler)).toEqual(['triggerMessage']);
  });

  it('keeps JSON routes of the rest of the app working', async () => {
    const { app } = await startApp({ platform });
    const response = await request(app.getHttpServer()).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
  });
});

describe('configuration', () => {
  it('reads the secret from COMPOSIO_WEBHOOK_SECRET through ConfigService', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    const handled: HandledRecord[] = [];
    const app = await createApp({ logger: false, onHandled: (record) => handled.push(record) });
    apps.push(app);
    await app.init();
    const { body, headers } = await signWebhook({ payload: buildTriggerDisabled(), secret });
    const response = await request(app.getHttpServer())
      .post('/webhooks/composio')
      .set(headers)
      .send(body);
    expect(response.status).toBe(200);
    expect(handled.map((record) => record.handler)).toEqual(['triggerDisabled']);
  });

  it('fails at start-up with an empty or missing secret, naming COMPOSIO_WEBHOOK_SECRET', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', '');
    await expect(createApp({ logger: false })).rejects.toThrow(
      /^\[@composio-webhooks\/nest\] `secret` is empty\. .*COMPOSIO_WEBHOOK_SECRET/,
    );
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    await expect(createApp({ logger: false })).rejects.toThrow(
      /^\[@composio-webhooks\/nest\] .*set COMPOSIO_WEBHOOK_SECRET \(it is not set\)/,
    );
  });
});

describeExampleServer(new URL('..', import.meta.url), {
  secret,
  output: ['commit by octocat: Fix the flaky test'],
});
