import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ComposioConfigError,
  ComposioResponseError,
  createSubscriptionsClient,
  DEFAULT_BASE_URL,
  isComposioClientError,
} from '../src/index.js';
import { createFakeSubscriptionsApi, type FakeSubscriptionsApi } from '../src/testing.js';

const API_KEY = 'test-api-key';
let api: FakeSubscriptionsApi;

beforeAll(async () => {
  api = await createFakeSubscriptionsApi({ apiKeys: [API_KEY] });
});
afterAll(() => api.close());
afterEach(() => {
  api.reset();
  vi.unstubAllEnvs();
});

const client = () => createSubscriptionsClient({ apiKey: API_KEY, baseUrl: api.url, retries: 0 });

describe('malformed responses are clear errors at the boundary', () => {
  it('a 200 that is not JSON', async () => {
    api.fault({ status: 200, body: '<html>gateway</html>' });
    const error = (await client()
      .list()
      .catch((e: unknown) => e)) as ComposioResponseError;
    expect(error).toBeInstanceOf(ComposioResponseError);
    expect(error.at).toBe('$');
    expect(error.expected).toBe('a JSON body');
    expect(error.requestId).toMatch(/^req_/);
    expect(error.message).toMatch(
      /Unexpected response from Composio for GET \/webhook_subscriptions/,
    );
  });

  it('a list whose items is not an array', async () => {
    api.fault({ status: 200, body: { items: 'nope', next_cursor: null } });
    await expect(client().list()).rejects.toMatchObject({
      name: 'ComposioResponseError',
      at: '$.items',
      expected: 'an array of subscriptions',
    });
  });

  it('a subscription missing a documented field names the field', async () => {
    api.fault({
      status: 200,
      body: {
        items: [
          {
            id: 'whs_1',
            version: 'V3',
            enabled_events: [],
            secret: 's',
            created_at: 'x',
            updated_at: 'x',
          },
        ],
        next_cursor: null,
        total_pages: 1,
        current_page: 1,
        total_items: 1,
      },
    });
    const error = (await client()
      .list()
      .catch((e: unknown) => e)) as ComposioResponseError;
    expect(error.at).toBe('$.items[0].webhook_url');
    expect(error.message).toContain('expected a string at $.items[0].webhook_url');
  });

  it('rotate_secret without a secret', async () => {
    api.fault({ status: 200, body: { id: 'whs_1', secret: '' } });
    await expect(client().rotateSecret('whs_1')).rejects.toMatchObject({
      name: 'ComposioResponseError',
      at: '$.secret',
    });
  });

  it('a list whose cursor never advances stops instead of looping', async () => {
    const page = {
      items: [],
      next_cursor: 'same',
      total_pages: 2,
      current_page: 1,
      total_items: 2,
    };
    const [seeded] = api.seed(API_KEY, 1);
    const item = seeded;
    api.fault({ status: 200, body: { ...page, items: [item] }, times: 5 });
    const seen: string[] = [];
    const run = async () => {
      for await (const s of client().listAll()) seen.push(s.id);
    };
    await expect(run()).rejects.toMatchObject({
      name: 'ComposioResponseError',
      at: '$.next_cursor',
    });
    expect(seen).toHaveLength(2);
  });

  it('extra fields from the API are ignored, not an error', async () => {
    const [seeded] = api.seed(API_KEY, 1);
    api.fault({ status: 200, body: { ...seeded, new_field: { nested: true } } });
    const subscription = await client().get(seeded?.id ?? '');
    expect(subscription.id).toBe(seeded?.id);
    expect(subscription).not.toHaveProperty('new_field');
  });
});

describe('configuration', () => {
  it('no API key: a ComposioConfigError naming COMPOSIO_API_KEY, before any request', () => {
    vi.stubEnv('COMPOSIO_API_KEY', '');
    let error: unknown;
    try {
      createSubscriptionsClient({ baseUrl: api.url });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComposioConfigError);
    expect((error as ComposioConfigError).code).toBe('MISSING_API_KEY');
    expect((error as Error).message).toContain('COMPOSIO_API_KEY');
    expect(isComposioClientError(error)).toBe(true);
    expect(api.requests).toHaveLength(0);
  });

  it('reads COMPOSIO_API_KEY and COMPOSIO_BASE_URL from the environment', async () => {
    vi.stubEnv('COMPOSIO_API_KEY', API_KEY);
    vi.stubEnv('COMPOSIO_BASE_URL', `${api.url}/`);
    const c = createSubscriptionsClient();
    expect(c.baseUrl).toBe(api.url);
    await c.list();
    expect(api.requests.at(-1)).toMatchObject({
      apiKey: API_KEY,
      apiPath: '/api/v3.1',
      path: '/webhook_subscriptions',
    });
  });

  it('defaults to Composio, v3.1', () => {
    vi.stubEnv('COMPOSIO_BASE_URL', '');
    expect(createSubscriptionsClient({ apiKey: 'k' }).apiUrl).toBe(
      'https://backend.composio.dev/api/v3.1',
    );
    expect(DEFAULT_BASE_URL).toBe('https://backend.composio.dev');
  });

  it('rejects bad options', () => {
    expect(() => createSubscriptionsClient({ apiKey: 'k', baseUrl: 'not a url' })).toThrow(
      ComposioConfigError,
    );
    expect(() => createSubscriptionsClient({ apiKey: 'k', baseUrl: 'ftp://x' })).toThrow(
      /http\(s\)/,
    );
    expect(() => createSubscriptionsClient({ apiKey: 'k', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createSubscriptionsClient({ apiKey: 'k', retries: -1 })).toThrow(/maxRetries/);
  });

  it('rejects bad arguments before sending anything', async () => {
    const c = client();
    await expect(
      c.create({ webhookUrl: 'localhost:3000', enabledEvents: ['composio.trigger.message'] }),
    ).rejects.toThrow(/webhookUrl must be an http\(s\) URL/);
    await expect(c.create({ webhookUrl: 'https://x.dev', enabledEvents: [] })).rejects.toThrow(
      /enabledEvents/,
    );
    await expect(
      // @ts-expect-error an unknown version is rejected at runtime too
      c.set({ webhookUrl: 'https://x.dev', version: 'V4' }),
    ).rejects.toThrow(/version must be one of V1, V2, V3/);
    await expect(c.update('whs_1', {})).rejects.toThrow(/at least one of/);
    await expect(c.get('')).rejects.toThrow(/subscription id/);
    await expect(c.list({ limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    expect(api.requests).toHaveLength(0);
  });

  it('uses the fetch passed in, with x-api-key and a user-agent', async () => {
    const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), init });
      return new Response(JSON.stringify({ items: [] }), { status: 200 });
    };
    const c = createSubscriptionsClient({
      apiKey: 'k',
      baseUrl: 'https://api.test',
      fetch: fakeFetch,
    });
    expect(await c.listEventTypes()).toEqual([]);
    expect(calls[0]?.url).toBe('https://api.test/api/v3.1/webhook_subscriptions/event_types');
    const headers = calls[0]?.init?.headers as Record<string, string>;
    expect(headers['x-api-key']).toBe('k');
    expect(headers['user-agent']).toMatch(/^composio-webhooks-client\//);
  });
});
