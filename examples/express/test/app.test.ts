import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  signWebhook,
} from '@composio-webhooks/core/testing';
import type { ReceiverOutcome } from '@composio-webhooks/express';
import { describeExampleServer } from '@composio-webhooks/test-runtimes';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type HandledRecord } from '../src/app.js';

const secret = 'example-express-secret';

async function post(app: ReturnType<typeof createApp>, payload: unknown, options = {}) {
  const { body, headers } = await signWebhook({ payload, secret, ...options });
  return request(app).post('/webhooks/composio').set(headers).send(body);
}

function quietApp() {
  const handled: HandledRecord[] = [];
  const app = createApp({ secret, onHandled: (record) => handled.push(record) });
  return { app, handled };
}

describe('example-express app', () => {
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

  it('keeps express.json() working for the rest of the app', async () => {
    const { app } = quietApp();
    await request(app).get('/health').expect(200, { ok: true });
  });

  describeExampleServer(new URL('..', import.meta.url), { secret });
});

describe('example-express with the generated validators', () => {
  const { log, warn } = console;
  afterEach(() => {
    console.log = log;
    console.warn = warn;
  });

  const pullRequest = {
    action: 'opened',
    number: 12,
    title: 'Check trigger data',
    user: { login: 'octocat', id: 1 },
  };
  const pr = (data: Record<string, unknown>) =>
    buildTriggerMessage<string>({ slug: 'GITHUB_PULL_REQUEST_EVENT', data });

  it("warn (the server's setting): an off-schema delivery is logged with its pointer and handled", async () => {
    const { triggerValidators } = await import('../src/composio-validators.js');
    const warnings: string[] = [];
    console.warn = (line: string) => warnings.push(line);
    console.log = () => {};
    const outcomes: ReceiverOutcome[] = [];
    const app = createApp({
      secret,
      triggerValidators,
      onHandled: () => {},
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    const res = await post(app, pr({ ...pullRequest, user: { login: 7, id: 1 } }));
    expect(res.status).toBe(200);
    expect(outcomes[0]?.triggerMismatch).toMatchObject({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      pointer: '/user/login',
      schemaVersion: '20251001_00',
    });
    expect(warnings.join('\n')).toContain('GITHUB_PULL_REQUEST_EVENT');
  });

  it('strict: 400 INVALID_PAYLOAD for off-schema data, 200 for valid data with extra fields', async () => {
    const { triggerValidators } = await import('../src/composio-validators.js');
    console.warn = () => {};
    console.log = () => {};
    const handled: HandledRecord[] = [];
    const strict = createApp({
      secret,
      triggerValidators,
      triggerMismatch: 'strict',
      onHandled: (record) => handled.push(record),
    });
    const bad = await post(strict, pr({ ...pullRequest, action: 'merged' }));
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const good = await post(strict, pr({ ...pullRequest, new_field: true }));
    expect(good.status).toBe(200);
    expect(handled.map((h) => h.handler)).toEqual(['triggerMessage']);
  });
});
