import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backoff, parseRetryAfter } from '../src/http.js';
import {
  ComposioApiError,
  ComposioConnectionError,
  createSubscriptionsClient,
  type RetryInfo,
  type RetryOptions,
} from '../src/index.js';
import { createFakeSubscriptionsApi, type FakeSubscriptionsApi } from '../src/testing.js';

const API_KEY = 'test-api-key';
const hook = 'https://app.example.com/webhooks/composio';
let api: FakeSubscriptionsApi;

beforeAll(async () => {
  api = await createFakeSubscriptionsApi({ apiKeys: [API_KEY] });
});
afterAll(() => api.close());
afterEach(() => api.reset());

function client(retries: RetryOptions = {}, timeoutMs?: number) {
  const retryLog: RetryInfo[] = [];
  const c = createSubscriptionsClient({
    apiKey: API_KEY,
    baseUrl: api.url,
    timeoutMs,
    retries: { baseDelayMs: 5, onRetry: (info) => retryLog.push(info), ...retries },
  });
  return Object.assign(c, { retryLog });
}

const statuses = () => api.requests.map((r) => r.status);

describe('429 and retry-after', () => {
  it('waits the retry-after seconds, then succeeds', async () => {
    api.fault({ status: 429, headers: { 'retry-after': '1' } });
    const c = client();
    const started = performance.now();
    const page = await c.list();
    const elapsed = performance.now() - started;
    expect(page.items).toEqual([]);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(2500);
    expect(statuses()).toEqual([429, 200]);
    expect(c.retryLog).toEqual([
      {
        method: 'GET',
        path: '/webhook_subscriptions',
        attempt: 1,
        delayMs: 1000,
        status: 429,
        reason: 'rate-limited',
      },
    ]);
  });

  it('honours retry-after given as an HTTP date', async () => {
    const at = new Date(Date.now() + 1500);
    api.fault({ status: 429, headers: { 'retry-after': at.toUTCString() } });
    const c = client();
    await c.listEventTypes();
    // toUTCString() drops the milliseconds, so the wait is between 0.5 s and 1.5 s.
    expect(c.retryLog[0]?.delayMs).toBeGreaterThan(400);
    expect(c.retryLog[0]?.delayMs).toBeLessThanOrEqual(1500);
    expect(statuses()).toEqual([429, 200]);
  });

  it('retries a 429 even on POST create (the API refused it before doing anything)', async () => {
    api.fault({ method: 'POST', status: 429, headers: { 'retry-after': '0' } });
    const created = await client().create({
      webhookUrl: hook,
      enabledEvents: ['composio.trigger.message'],
    });
    expect(created.webhookUrl).toBe(hook);
    expect(statuses()).toEqual([429, 201]);
  });

  it('does not wait a retry-after longer than maxRetryAfterMs: throws at once with retryAfterMs', async () => {
    api.fault({ status: 429, headers: { 'retry-after': '120' } });
    const started = performance.now();
    const error = (await client()
      .list()
      .catch((e: unknown) => e)) as ComposioApiError;
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(ComposioApiError);
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.attempts).toBe(1);
  });

  it('gives up after maxRetries and reports the attempts', async () => {
    api.fault({ status: 429, times: 10, headers: { 'retry-after': '0' } });
    const error = (await client({ maxRetries: 2 })
      .list()
      .catch((e: unknown) => e)) as ComposioApiError;
    expect(error.status).toBe(429);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('after 3 attempts');
    expect(api.requests).toHaveLength(3);
  });
});

describe('5xx', () => {
  it('GET: 500 twice, then success', async () => {
    api.seed(API_KEY, 1);
    api.fault({ method: 'GET', status: 500, times: 2 });
    const c = client();
    const page = await c.list();
    expect(page.items).toHaveLength(1);
    expect(statuses()).toEqual([500, 500, 200]);
    expect(c.retryLog.map((r) => [r.attempt, r.reason, r.status])).toEqual([
      [1, 'server-error', 500],
      [2, 'server-error', 500],
    ]);
    // exponential backoff with jitter: attempt n waits within [base*2^(n-1)/2, base*2^(n-1)]
    expect(c.retryLog[0]?.delayMs).toBeGreaterThanOrEqual(2);
    expect(c.retryLog[0]?.delayMs).toBeLessThanOrEqual(5);
    expect(c.retryLog[1]?.delayMs).toBeGreaterThanOrEqual(5);
    expect(c.retryLog[1]?.delayMs).toBeLessThanOrEqual(10);
  });

  it('PATCH is retried on 5xx (it sets absolute values)', async () => {
    const [seeded] = api.seed(API_KEY, 1);
    api.fault({ method: 'PATCH', status: 502, afterEffect: true });
    const updated = await client().update(seeded?.id ?? '', { webhookUrl: `${hook}/new` });
    expect(updated.webhookUrl).toBe(`${hook}/new`);
    expect(statuses()).toEqual([502, 200]);
  });

  it('POST create is NOT retried on 500: the subscription may exist (and here it does)', async () => {
    api.fault({ method: 'POST', status: 500, afterEffect: true });
    const error = (await client()
      .create({ webhookUrl: hook, enabledEvents: ['composio.trigger.message'] })
      .catch((e: unknown) => e)) as ComposioApiError;
    expect(error).toBeInstanceOf(ComposioApiError);
    expect(error.status).toBe(500);
    expect(error.attempts).toBe(1);
    expect(api.requests).toHaveLength(1);
    expect(api.subscriptions(API_KEY)).toHaveLength(1);
  });

  it('rotate_secret is NOT retried on 503, even with retry-after', async () => {
    const [seeded] = api.seed(API_KEY, 1);
    api.fault({ path: /rotate_secret$/, status: 503, headers: { 'retry-after': '0' } });
    await expect(client().rotateSecret(seeded?.id ?? '')).rejects.toMatchObject({
      status: 503,
      attempts: 1,
    });
    expect(api.requests).toHaveLength(1);
  });

  it('DELETE whose first answer was lost (500 after deleting): the retry gets 404 and it counts as deleted', async () => {
    const [seeded] = api.seed(API_KEY, 1);
    api.fault({ method: 'DELETE', status: 500, afterEffect: true });
    expect(await client().delete(seeded?.id ?? '')).toEqual({ success: true });
    expect(statuses()).toEqual([500, 404]);
  });

  it('a 4xx other than 429 is never retried', async () => {
    api.fault({ status: 400, times: 3 });
    await expect(client().list()).rejects.toMatchObject({ status: 400, attempts: 1 });
    expect(api.requests).toHaveLength(1);
  });
});

describe('network failures and timeouts', () => {
  it('GET: a dropped connection is retried', async () => {
    api.fault({ dropConnection: true });
    const c = client();
    expect((await c.list()).items).toEqual([]);
    expect(c.retryLog[0]?.reason).toBe('network-error');
    expect(api.requests).toHaveLength(2);
  });

  it('POST create: a dropped connection is a ComposioConnectionError, not retried', async () => {
    api.fault({ dropConnection: true });
    const error = await client()
      .create({ webhookUrl: hook, enabledEvents: ['composio.trigger.message'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioConnectionError);
    expect((error as ComposioConnectionError).timedOut).toBe(false);
    expect(api.requests).toHaveLength(1);
  });

  it('times out per attempt; GET retries and then reports the timeout', async () => {
    api.fault({ delayMs: 400, times: 3 });
    const c = client({ maxRetries: 1 }, 100);
    const started = performance.now();
    const error = (await c.list().catch((e: unknown) => e)) as ComposioConnectionError;
    expect(error).toBeInstanceOf(ComposioConnectionError);
    expect(error.timedOut).toBe(true);
    expect(error.attempts).toBe(2);
    expect(error.message).toMatch(/timed out after 2 attempts/);
    expect(c.retryLog[0]?.reason).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an AbortSignal cancels the wait between retries', async () => {
    api.fault({ status: 429, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    const started = performance.now();
    const pending = client().list({}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await expect(pending).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(api.requests).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-02-06T12:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Fri, 06 Feb 2026 12:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 06 Feb 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backoff doubles and stays within [ceiling/2, ceiling], capped by maxDelayMs', () => {
    const retry = {
      maxRetries: 5,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      maxRetryAfterMs: 0,
      onRetry: undefined,
    };
    const low = { retry, random: () => 0 };
    const high = { retry, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5].map((n) => backoff(low, n))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoff(high, n))).toEqual([100, 200, 400, 800, 1000]);
  });
});
