import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ComposioApiError,
  createSubscriptionsClient,
  isComposioApiError,
  isComposioClientError,
  type Subscription,
  SubscriptionExistsError,
} from '../src/index.js';
import { createFakeSubscriptionsApi, type FakeSubscriptionsApi } from '../src/testing.js';

const API_KEY = 'test-api-key';
let api: FakeSubscriptionsApi;

beforeAll(async () => {
  api = await createFakeSubscriptionsApi({ apiKeys: [API_KEY, 'other-project-key'] });
});
afterAll(() => api.close());
afterEach(() => api.reset());

const client = (apiKey = API_KEY) =>
  createSubscriptionsClient({ apiKey, baseUrl: api.url, retries: { baseDelayMs: 1 } });

const hook = 'https://app.example.com/webhooks/composio';

describe('auth', () => {
  it('the fake API answers 401 without x-api-key (raw HTTP)', async () => {
    const response = await fetch(`${api.url}/api/v3.1/webhook_subscriptions`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { slug: 'Unauthorized' } });
  });

  it('sends x-api-key and maps a 401 to ComposioApiError with the request id', async () => {
    const error = await client('wrong-key')
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioApiError);
    const apiError = error as ComposioApiError;
    expect(apiError.status).toBe(401);
    expect(apiError.code).toBe('Unauthorized');
    expect(apiError.apiMessage).toBe('Invalid API key.');
    expect(apiError.requestId).toMatch(/^req_\d+$/);
    expect(apiError.attempts).toBe(1); // 4xx other than 429 is never retried
    expect(apiError.message).toContain('HTTP 401');
    expect(apiError.message).not.toContain('wrong-key');
    expect(isComposioApiError(apiError)).toBe(true);
    expect(isComposioClientError(apiError)).toBe(true);
    expect(api.requests.at(-1)?.apiKey).toBe('wrong-key');
  });
});

describe('subscriptions', () => {
  it('creates with camelCase input sent as snake_case, and returns camelCase', async () => {
    const created = await client().create({
      webhookUrl: hook,
      enabledEvents: ['composio.trigger.message', 'composio.connected_account.expired'],
      version: 'V3',
    });
    expect(api.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/webhook_subscriptions',
      body: {
        webhook_url: hook,
        enabled_events: ['composio.trigger.message', 'composio.connected_account.expired'],
        version: 'V3',
      },
    });
    expect(api.requests.at(-1)?.headers['content-type']).toBe('application/json');
    expect(Object.keys(created).sort()).toEqual(
      ['createdAt', 'enabledEvents', 'id', 'secret', 'updatedAt', 'version', 'webhookUrl'].sort(),
    );
    expect(created).toMatchObject({
      webhookUrl: hook,
      version: 'V3',
      enabledEvents: ['composio.trigger.message', 'composio.connected_account.expired'],
    });
    expect(created.secret).toBe(api.subscriptions(API_KEY)[0]?.secret);
  });

  it('a second create is a SubscriptionExistsError (409) that explains set/update', async () => {
    await client().create({ webhookUrl: hook, enabledEvents: ['composio.trigger.message'] });
    const error = await client()
      .create({ webhookUrl: `${hook}/2`, enabledEvents: ['composio.trigger.message'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubscriptionExistsError);
    expect(error).toBeInstanceOf(ComposioApiError);
    const conflict = error as SubscriptionExistsError;
    expect(conflict.status).toBe(409);
    expect(conflict.name).toBe('SubscriptionExistsError');
    expect(conflict.message).toMatch(/already exists for this project/);
    expect(conflict.message).toMatch(/set\(\)/);
    expect(conflict.message).toMatch(/update\(id, patch\)/);
    expect(api.subscriptions(API_KEY)).toHaveLength(1);
  });

  it('projects are separate: another API key sees no subscription', async () => {
    await client().create({ webhookUrl: hook, enabledEvents: ['composio.trigger.message'] });
    const page = await client('other-project-key').list();
    expect(page.items).toEqual([]);
    expect(page.totalItems).toBe(0);
  });

  it('get returns the subscription; an unknown id is a 404 ComposioApiError', async () => {
    const created = await client().create({
      webhookUrl: hook,
      enabledEvents: ['composio.trigger.message'],
    });
    expect(await client().get(created.id)).toEqual(created);
    const error = (await client()
      .get('whs_missing')
      .catch((e: unknown) => e)) as ComposioApiError;
    expect(error).toBeInstanceOf(ComposioApiError);
    expect(error.status).toBe(404);
    expect(error.code).toBe('WebhookSubscription_NotFound');
    expect(error.path).toBe('/webhook_subscriptions/whs_missing');
    expect(error.requestId).toMatch(/^req_/);
  });

  it('encodes ids in the path', async () => {
    await client()
      .get('a/b?c')
      .catch(() => undefined);
    expect(api.requests.at(-1)?.path).toBe('/webhook_subscriptions/a%2Fb%3Fc');
  });

  it('update sends only the given fields', async () => {
    const created = await client().create({
      webhookUrl: hook,
      enabledEvents: ['composio.trigger.message'],
    });
    const updated = await client().update(created.id, {
      enabledEvents: ['composio.trigger.message', 'composio.trigger.disabled'],
    });
    expect(api.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      body: { enabled_events: ['composio.trigger.message', 'composio.trigger.disabled'] },
    });
    expect(Object.keys(api.requests.at(-1)?.body as object)).toEqual(['enabled_events']);
    expect(updated.webhookUrl).toBe(hook);
    expect(updated.enabledEvents).toEqual([
      'composio.trigger.message',
      'composio.trigger.disabled',
    ]);
    expect(updated.secret).toBe(created.secret);
  });

  it('set creates when there is none, then updates the same subscription to exactly the given state', async () => {
    const first = await client().set({ webhookUrl: hook });
    expect(first.created).toBe(true);
    expect(first.subscription.enabledEvents).toEqual(['composio.trigger.message']);
    expect(first.subscription.version).toBe('V3');

    const second = await client().set({
      webhookUrl: `${hook}/v2`,
      enabledEvents: ['composio.connected_account.expired'],
    });
    expect(second.created).toBe(false);
    expect(second.subscription.id).toBe(first.subscription.id);
    expect(second.subscription.webhookUrl).toBe(`${hook}/v2`);
    expect(second.subscription.enabledEvents).toEqual(['composio.connected_account.expired']);
    expect(api.subscriptions(API_KEY)).toHaveLength(1);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /webhook_subscriptions',
      'POST /webhook_subscriptions',
      'GET /webhook_subscriptions',
      `PATCH /webhook_subscriptions/${first.subscription.id}`,
    ]);
  });

  it('set recovers from a create race (409) by updating the subscription that won', async () => {
    // Another process creates the subscription between our list (empty) and our create: the
    // fake stores a subscription and answers our POST with 409.
    api.fault({ method: 'POST', path: '/webhook_subscriptions', status: 409, afterEffect: true });
    const result = await client().set({
      webhookUrl: hook,
      enabledEvents: ['composio.trigger.disabled'],
    });
    expect(result.created).toBe(false);
    expect(api.subscriptions(API_KEY)).toHaveLength(1);
    expect(result.subscription.enabledEvents).toEqual(['composio.trigger.disabled']);
    expect(api.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /webhook_subscriptions 200',
      'POST /webhook_subscriptions 409',
      'GET /webhook_subscriptions 200',
      `PATCH /webhook_subscriptions/${result.subscription.id} 200`,
    ]);
  });

  it('rotateSecret returns a new secret and the old one is gone', async () => {
    const created = await client().create({
      webhookUrl: hook,
      enabledEvents: ['composio.trigger.message'],
    });
    const rotated = await client().rotateSecret(created.id);
    expect(rotated.id).toBe(created.id);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.secret.length).toBeGreaterThanOrEqual(16);
    expect((await client().get(created.id)).secret).toBe(rotated.secret);
    expect(api.requests.at(-2)).toMatchObject({
      method: 'POST',
      path: `/webhook_subscriptions/${created.id}/rotate_secret`,
    });
  });

  it('delete removes it; a later get is 404', async () => {
    const created = await client().create({
      webhookUrl: hook,
      enabledEvents: ['composio.trigger.message'],
    });
    expect(await client().delete(created.id)).toEqual({ success: true });
    await expect(client().get(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(client().delete(created.id)).rejects.toMatchObject({ status: 404, attempts: 1 });
  });

  it('listEventTypes maps event_type/supported_versions', async () => {
    const types = await client().listEventTypes();
    expect(types.map((t) => t.eventType)).toEqual([
      'composio.trigger.message',
      'composio.connected_account.expired',
      'composio.trigger.disabled',
    ]);
    expect(types[1]).toEqual({
      eventType: 'composio.connected_account.expired',
      description: expect.stringContaining('expired'),
      supportedVersions: ['V3'],
    });
  });
});

describe('pagination', () => {
  it('list follows cursors page by page', async () => {
    const seeded = api.seed(API_KEY, 5);
    const first = await client().list({ limit: 2 });
    expect(first.items.map((s) => s.id)).toEqual(seeded.slice(0, 2).map((s) => s.id));
    expect(first).toMatchObject({ totalItems: 5, totalPages: 3, currentPage: 1 });
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(api.requests.at(-1)?.query).toEqual({ limit: '2' });

    const second = await client().list({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((s) => s.id)).toEqual(seeded.slice(2, 4).map((s) => s.id));
    expect(second.currentPage).toBe(2);
    expect(api.requests.at(-1)?.query).toEqual({ limit: '2', cursor: first.nextCursor });

    const third = await client().list({ limit: 2, cursor: second.nextCursor ?? '' });
    expect(third.items.map((s) => s.id)).toEqual([seeded[4]?.id]);
    expect(third.nextCursor).toBeNull();
  });

  it('listAll iterates over every page', async () => {
    const seeded = api.seed(API_KEY, 7);
    const all: Subscription[] = [];
    for await (const subscription of client().listAll({ limit: 3 })) all.push(subscription);
    expect(all.map((s) => s.id)).toEqual(seeded.map((s) => s.id));
    expect(api.requests).toHaveLength(3);
    expect(api.requests.map((r) => r.query.cursor === undefined)).toEqual([true, false, false]);
  });

  it('an invalid cursor is the API 400, surfaced as ComposioApiError', async () => {
    await expect(client().list({ cursor: 'bogus' })).rejects.toMatchObject({
      name: 'ComposioApiError',
      status: 400,
      code: 'ValidationError',
    });
  });
});
