/**
 * `baseUrl` / `COMPOSIO_BASE_URL` mean what they mean to Composio's SDK: the origin of the API.
 * Each client adds its endpoints' version path; a value that still ends in one keeps working,
 * with one warning.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ComposioConfigError,
  createSubscriptionsClient,
  createTriggerTypesClient,
  DEFAULT_BASE_URL,
  DEFAULT_TRIGGER_TYPES_BASE_URL,
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
  vi.restoreAllMocks();
});

/** A fetch that records the URLs asked for and answers an empty list. */
function recordingFetch() {
  const urls: string[] = [];
  const fetchImpl: typeof fetch = async (input) => {
    urls.push(String(input));
    return new Response(JSON.stringify({ items: [], next_cursor: null }), { status: 200 });
  };
  return { urls, fetch: fetchImpl };
}

/** Calls one endpoint of each client and returns the URLs they asked for. */
async function urlsFor(options: { baseUrl?: string }): Promise<string[]> {
  const recorder = recordingFetch();
  const common = { apiKey: 'k', fetch: recorder.fetch, retries: 0, ...options };
  await createSubscriptionsClient(common).listEventTypes();
  await createTriggerTypesClient(common).listTriggerSlugs();
  return recorder.urls;
}

function warningsDuring(): { messages: () => string[] } {
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  return { messages: () => spy.mock.calls.map((call) => String(call[0])) };
}

describe('COMPOSIO_BASE_URL is the origin, as Composio reads it', () => {
  it('the origin Composio documents: each client adds its version path', async () => {
    vi.stubEnv('COMPOSIO_BASE_URL', 'https://backend.composio.dev');
    const warnings = warningsDuring();
    expect(await urlsFor({})).toEqual([
      'https://backend.composio.dev/api/v3.1/webhook_subscriptions/event_types',
      'https://backend.composio.dev/api/v3/triggers_types/list/enum',
    ]);
    expect(warnings.messages()).toEqual([]);
  });

  it('an environment set up for Composio reaches the fake API at the right paths', async () => {
    vi.stubEnv('COMPOSIO_API_KEY', API_KEY);
    vi.stubEnv('COMPOSIO_BASE_URL', api.url);
    const subscriptions = createSubscriptionsClient({ retries: 0 });
    const triggerTypes = createTriggerTypesClient({ retries: 0 });
    expect(subscriptions.baseUrl).toBe(api.url);
    expect(subscriptions.apiUrl).toBe(`${api.url}/api/v3.1`);
    expect(triggerTypes.apiUrl).toBe(`${api.url}/api/v3`);
    await subscriptions.list();
    await triggerTypes.listTriggerTypes();
    expect(api.requests.map((r) => [r.apiPath, r.path, r.status])).toEqual([
      ['/api/v3.1', '/webhook_subscriptions', 200],
      ['/api/v3', '/triggers_types', 200],
    ]);
  });

  it('the baseUrl option has the same meaning (and wins over the environment)', async () => {
    vi.stubEnv('COMPOSIO_BASE_URL', 'https://not-this.example');
    expect(await urlsFor({ baseUrl: 'https://eu.composio.example/' })).toEqual([
      'https://eu.composio.example/api/v3.1/webhook_subscriptions/event_types',
      'https://eu.composio.example/api/v3/triggers_types/list/enum',
    ]);
  });

  it('a path prefix (a proxy) is kept in front of the version path, without a warning', async () => {
    const warnings = warningsDuring();
    expect(await urlsFor({ baseUrl: 'https://proxy.example/composio' })).toEqual([
      'https://proxy.example/composio/api/v3.1/webhook_subscriptions/event_types',
      'https://proxy.example/composio/api/v3/triggers_types/list/enum',
    ]);
    expect(warnings.messages()).toEqual([]);
  });

  it('defaults to https://backend.composio.dev', async () => {
    vi.stubEnv('COMPOSIO_BASE_URL', '');
    expect(DEFAULT_BASE_URL).toBe('https://backend.composio.dev');
    expect(DEFAULT_TRIGGER_TYPES_BASE_URL).toBe(DEFAULT_BASE_URL);
    const client = createSubscriptionsClient({ apiKey: 'k' });
    expect(client.baseUrl).toBe('https://backend.composio.dev');
    expect(client.apiUrl).toBe('https://backend.composio.dev/api/v3.1');
    expect(createTriggerTypesClient({ apiKey: 'k' }).apiUrl).toBe(
      'https://backend.composio.dev/api/v3',
    );
    expect(await urlsFor({})).toEqual([
      'https://backend.composio.dev/api/v3.1/webhook_subscriptions/event_types',
      'https://backend.composio.dev/api/v3/triggers_types/list/enum',
    ]);
  });
});

describe('a value that already ends in /api/v3 or /api/v3.1 (the meaning before 0.2)', () => {
  it.each([['/api/v3.1'], ['/api/v3'], ['/api/v3.1/']])(
    'COMPOSIO_BASE_URL=<origin>%s keeps working, with one warning',
    async (suffix) => {
      const origin = `https://legacy${suffix.replace(/\W/g, '')}.example`;
      vi.stubEnv('COMPOSIO_BASE_URL', `${origin}${suffix}`);
      const warnings = warningsDuring();
      expect(await urlsFor({})).toEqual([
        `${origin}/api/v3.1/webhook_subscriptions/event_types`,
        `${origin}/api/v3/triggers_types/list/enum`,
      ]);
      await urlsFor({});
      createSubscriptionsClient({ apiKey: 'k' });
      const messages = warnings.messages();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('[@composio-webhooks/client]');
      expect(messages[0]).toContain(`COMPOSIO_BASE_URL=${origin}${suffix}`);
      expect(messages[0]).toContain(`Set COMPOSIO_BASE_URL=${origin} to silence`);
      expect(createSubscriptionsClient({ apiKey: 'k' }).baseUrl).toBe(origin);
    },
  );

  it('the same through the baseUrl option, the warning naming baseUrl', async () => {
    const warnings = warningsDuring();
    expect(await urlsFor({ baseUrl: 'https://option.example/api/v3.1' })).toEqual([
      'https://option.example/api/v3.1/webhook_subscriptions/event_types',
      'https://option.example/api/v3/triggers_types/list/enum',
    ]);
    expect(warnings.messages()).toHaveLength(1);
    expect(warnings.messages()[0]).toContain('baseUrl=https://option.example/api/v3.1');
  });

  it('the fake API at a legacy value: every call still reaches its resource', async () => {
    vi.stubEnv('COMPOSIO_API_KEY', API_KEY);
    vi.stubEnv('COMPOSIO_BASE_URL', `${api.url}/api/v3.1`);
    warningsDuring();
    await createSubscriptionsClient({ retries: 0 }).list();
    await createTriggerTypesClient({ retries: 0 }).listTriggerTypes();
    expect(api.requests.map((r) => [r.apiPath, r.path, r.status])).toEqual([
      ['/api/v3.1', '/webhook_subscriptions', 200],
      ['/api/v3', '/triggers_types', 200],
    ]);
  });
});

describe('values that are not an origin are refused at construction, saying what to set', () => {
  it.each([
    ['not a url', /not a valid URL/],
    ['ftp://backend.composio.dev', /must be http\(s\)/],
    ['https://backend.composio.dev/?region=eu', /query or fragment/],
  ])('%s', (value, pattern) => {
    for (const make of [
      () => createSubscriptionsClient({ apiKey: 'k', baseUrl: value }),
      () => createTriggerTypesClient({ apiKey: 'k', baseUrl: value }),
    ]) {
      let error: unknown;
      try {
        make();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ComposioConfigError);
      expect((error as ComposioConfigError).code).toBe('INVALID_OPTION');
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).toContain('https://backend.composio.dev');
    }
    vi.stubEnv('COMPOSIO_BASE_URL', value);
    expect(() => createSubscriptionsClient({ apiKey: 'k' })).toThrow(/COMPOSIO_BASE_URL/);
  });
});
