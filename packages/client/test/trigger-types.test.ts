import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ComposioApiError,
  ComposioConfigError,
  ComposioResponseError,
  createTriggerTypesClient,
  DEFAULT_TRIGGER_TYPES_BASE_URL,
  parseSavedTriggerTypes,
} from '../src/index.js';
import {
  createFakeSubscriptionsApi,
  type FakeSubscriptionsApi,
  type FakeWireTriggerType,
} from '../src/testing.js';

const API_KEY = 'test-api-key';

function savedItems(toolkit: string): FakeWireTriggerType[] {
  const url = new URL(`../../../fixtures/trigger-types/${toolkit}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { items: FakeWireTriggerType[] }).items;
}

const github = savedItems('github');
const gmail = savedItems('gmail');

/** `count` more GitHub-like trigger types, to make several pages. */
function extraTriggers(count: number): FakeWireTriggerType[] {
  const base = github[0] as FakeWireTriggerType;
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    slug: `GITHUB_EXTRA_${String(i).padStart(3, '0')}_EVENT`,
  }));
}

let api: FakeSubscriptionsApi;
beforeAll(async () => {
  api = await createFakeSubscriptionsApi({ triggerTypes: [...github, ...gmail] });
});
afterAll(() => api.close());
afterEach(() => api.reset());

const client = (apiKey = API_KEY) =>
  createTriggerTypesClient({ apiKey, baseUrl: api.url, retries: { baseDelayMs: 1 } });

describe('listTriggerTypes', () => {
  it('defaults to the documented origin and version path (/api/v3)', () => {
    vi.stubEnv('COMPOSIO_BASE_URL', '');
    expect(DEFAULT_TRIGGER_TYPES_BASE_URL).toBe('https://backend.composio.dev');
    expect(createTriggerTypesClient({ apiKey: 'k' }).apiUrl).toBe(
      'https://backend.composio.dev/api/v3',
    );
    vi.unstubAllEnvs();
  });

  it('sends toolkit_slugs as repeated keys and versions in bracket notation; answers camelCase', async () => {
    const items = await client().listTriggerTypes({
      toolkitSlugs: ['github', 'gmail'],
      toolkitVersions: { gmail: '20250930_00' },
    });
    expect(items.map((t) => t.slug)).toEqual([
      'GITHUB_COMMIT_EVENT',
      'GITHUB_PULL_REQUEST_EVENT',
      'GMAIL_NEW_GMAIL_MESSAGE',
    ]);
    const request = api.requests.at(-1);
    expect(request?.path).toBe('/triggers_types');
    expect(request?.apiPath).toBe('/api/v3');
    expect(request?.apiKey).toBe(API_KEY);
    expect(new URLSearchParams(request?.search).getAll('toolkit_slugs')).toEqual([
      'github',
      'gmail',
    ]);
    expect(request?.query['toolkit_versions[gmail]']).toBe('20250930_00');
    const pr = items[1];
    expect(pr).toMatchObject({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      type: 'webhook',
      toolkit: { slug: 'github' },
      version: '20251001_00',
    });
    expect(pr?.payload.$defs).toEqual(github[1]?.payload.$defs);
  });

  it('filters by toolkit', async () => {
    const items = await client().listTriggerTypes({ toolkitSlugs: ['gmail'] });
    expect(items.map((t) => t.slug)).toEqual(['GMAIL_NEW_GMAIL_MESSAGE']);
  });

  it('follows next_cursor through every page', async () => {
    api.addTriggerTypes(extraTriggers(25));
    const items = await client().listTriggerTypes({ toolkitSlugs: ['github'], limit: 10 });
    expect(items).toHaveLength(27);
    expect(new Set(items.map((t) => t.slug)).size).toBe(27);
    const pages = api.requests.filter((r) => r.path === '/triggers_types');
    expect(pages).toHaveLength(3);
    expect(pages[0]?.query.cursor).toBeUndefined();
    expect(pages[1]?.query.cursor).toBeTypeOf('string');
    expect(pages.every((r) => r.query.limit === '10')).toBe(true);
  });

  it('picks the requested toolkit version, else the latest', async () => {
    const older = { ...(gmail[0] as FakeWireTriggerType), version: '20250101_00', name: 'Old' };
    api.addTriggerTypes([older]);
    const latest = await client().listTriggerTypes({ toolkitSlugs: ['gmail'] });
    expect(latest.map((t) => t.version)).toEqual(['20250930_00']);
    const pinned = await client().listTriggerTypes({
      toolkitSlugs: ['gmail'],
      toolkitVersions: { gmail: '20250101_00' },
    });
    expect(pinned.map((t) => [t.version, t.name])).toEqual([['20250101_00', 'Old']]);
    await client().listTriggerTypes({ toolkitVersions: 'latest' });
    expect(api.requests.at(-1)?.query.toolkit_versions).toBe('latest');
  });

  it('stops on a cursor that repeats instead of looping forever', async () => {
    const page = {
      items: github,
      next_cursor: 'same',
      total_pages: 9,
      current_page: 1,
      total_items: 9,
    };
    api.fault({ path: '/triggers_types', status: 200, body: page, times: 2 });
    const error = await client()
      .listTriggerTypes()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioResponseError);
    expect((error as ComposioResponseError).at).toBe('$.next_cursor');
  });

  it('checks its arguments before sending anything', async () => {
    await expect(client().listTriggerTypes({ limit: 1001 })).rejects.toThrow(ComposioConfigError);
    await expect(client().listTriggerTypes({ toolkitSlugs: ['git hub'] })).rejects.toThrow(
      /toolkitSlugs must be an array of toolkit slugs/,
    );
    await expect(client().listTriggerTypes({ toolkitVersions: { gmail: '' } })).rejects.toThrow(
      /toolkitVersions.gmail must be a version string/,
    );
    await expect(client().getTriggerType(' ')).rejects.toThrow(/needs a trigger slug/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('getTriggerType', () => {
  it('gets one trigger type by slug', async () => {
    const pr = await client().getTriggerType('GITHUB_PULL_REQUEST_EVENT', {
      toolkitVersions: { github: '20251001_00' },
    });
    expect(pr.slug).toBe('GITHUB_PULL_REQUEST_EVENT');
    expect(pr.payload).toEqual(github[1]?.payload);
    expect(api.requests.at(-1)?.path).toBe('/triggers_types/GITHUB_PULL_REQUEST_EVENT');
  });

  it('maps an unknown slug to a 404 ComposioApiError', async () => {
    const error = await client()
      .getTriggerType('NOPE_EVENT')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioApiError);
    expect((error as ComposioApiError).status).toBe(404);
    expect((error as ComposioApiError).code).toBe('TriggerType_NotFound');
    expect((error as ComposioApiError).attempts).toBe(1);
  });

  it('lists the trigger slugs', async () => {
    expect(await client().listTriggerSlugs()).toEqual([
      'GITHUB_COMMIT_EVENT',
      'GITHUB_PULL_REQUEST_EVENT',
      'GMAIL_NEW_GMAIL_MESSAGE',
    ]);
  });
});

describe('failures', () => {
  it('401 with a wrong key, never retried, key not in the message', async () => {
    const error = await client('wrong-key')
      .listTriggerTypes()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioApiError);
    expect((error as ComposioApiError).status).toBe(401);
    expect((error as ComposioApiError).attempts).toBe(1);
    expect((error as Error).message).not.toContain('wrong-key');
  });

  it('retries 429 (retry-after) and 5xx, then succeeds', async () => {
    api.fault({ path: '/triggers_types', status: 429, headers: { 'retry-after': '0' } });
    api.fault({ path: '/triggers_types', status: 503 });
    const items = await client().listTriggerTypes({ toolkitSlugs: ['github'] });
    expect(items).toHaveLength(2);
    expect(api.requests.map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it('gives up after the retries with the last 5xx', async () => {
    api.fault({ path: /^\/triggers_types/, status: 502, times: 3 });
    const error = await client()
      .getTriggerType('GITHUB_COMMIT_EVENT')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioApiError);
    expect((error as ComposioApiError).status).toBe(502);
    expect((error as ComposioApiError).attempts).toBe(3);
  });

  it.each([
    ['a body that is not JSON', '<html>oops</html>', '$'],
    [
      'items missing',
      { next_cursor: null, total_pages: 1, current_page: 1, total_items: 0 },
      '$.items',
    ],
    [
      'a trigger type without a payload schema',
      {
        items: [{ ...github[0], payload: 'nope' }],
        next_cursor: null,
        total_pages: 1,
        current_page: 1,
        total_items: 1,
      },
      '$.items[0].payload',
    ],
    [
      'a schema whose required is not a list',
      {
        items: [{ ...github[0], payload: { type: 'object', required: 'id' } }],
        next_cursor: null,
        total_pages: 1,
        current_page: 1,
        total_items: 1,
      },
      '$.items[0].payload.required',
    ],
    [
      'a toolkit without a slug',
      {
        items: [{ ...github[0], toolkit: { name: 'x', logo: '' } }],
        next_cursor: null,
        total_pages: 1,
        current_page: 1,
        total_items: 1,
      },
      '$.items[0].toolkit.slug',
    ],
    [
      'a numeric cursor',
      { items: [], next_cursor: 5, total_pages: 1, current_page: 1, total_items: 0 },
      '$.next_cursor',
    ],
  ])(
    'a malformed answer (%s) is a ComposioResponseError naming the field',
    async (_what, body, at) => {
      api.fault({ path: '/triggers_types', status: 200, body });
      const error = await client()
        .listTriggerTypes()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioResponseError);
      expect((error as ComposioResponseError).at).toBe(at);
      expect((error as Error).message).toContain('GET /triggers_types');
    },
  );
});

describe('parseSavedTriggerTypes', () => {
  it('reads a page, an array of pages, an array of trigger types or one trigger type', () => {
    const page = {
      items: github,
      next_cursor: null,
      total_pages: 1,
      current_page: 1,
      total_items: 2,
    };
    const gmailPage = { ...page, items: gmail, total_items: 1 };
    expect(parseSavedTriggerTypes(page).map((t) => t.slug)).toEqual([
      'GITHUB_COMMIT_EVENT',
      'GITHUB_PULL_REQUEST_EVENT',
    ]);
    expect(parseSavedTriggerTypes([page, gmailPage])).toHaveLength(3);
    expect(parseSavedTriggerTypes(gmail)).toHaveLength(1);
    expect(parseSavedTriggerTypes(gmail[0])[0]?.slug).toBe('GMAIL_NEW_GMAIL_MESSAGE');
  });

  it('names the wrong field of a malformed saved answer', () => {
    expect(() => parseSavedTriggerTypes([{ ...github[0], version: 3 }], 'triggers.json')).toThrow(
      'triggers.json is not a trigger types answer: expected a string at $[0].version.',
    );
  });
});
