/**
 * The real binary against the local fake of the Webhook Subscriptions API.
 */

import { readFileSync } from 'node:fs';
import {
  createFakeSubscriptionsApi,
  type FakeSubscriptionsApi,
} from '@composio-webhooks/client/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { compileAndRun, runCli } from './helpers.js';

let api: FakeSubscriptionsApi;
let keyCounter = 0;
let key: string;
const keys = Array.from({ length: 40 }, (_, i) => `project-key-${i}`);

beforeAll(async () => {
  api = await createFakeSubscriptionsApi({ apiKeys: keys });
});
afterAll(() => api.close());
// Each test is its own project (API key), so tests never see each other's subscription.
beforeEach(() => {
  key = keys[keyCounter++] ?? 'unused';
});

const cli = (...args: string[]) => runCli(['--api-key', key, '--base-url', api.url, ...args]);
const requestsOf = (apiKey: string) => api.requests.filter((r) => r.apiKey === apiKey);
const hook = 'https://app.example.com/webhooks/composio';

describe('help, version and usage errors (exit 2)', () => {
  it('--help lists every command, exit 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of [
      'subscription get',
      'subscription rotate-secret',
      'event-types',
      'send-test',
      'listen',
    ]) {
      expect(result.stdout).toContain(name);
    }
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('a command --help shows its options', async () => {
    const result = await runCli(['subscription', 'set', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--payload-version');
  });

  it.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['subscription', 'lst'], /Unknown subscription command "lst"/],
    [['subscription', 'list', '--bogus'], /Unknown option --bogus for subscription list\./],
    [['subscription', 'list', '--limit', 'ten'], /--limit must be an integer/],
    [['subscription', 'set'], /needs --url/],
    [['subscription', 'set', '--url', 'localhost:3000'], /--url must be an http\(s\) URL/],
    [
      ['subscription', 'set', '--url', hook, '--payload-version', 'V9'],
      /--payload-version must be one of V1, V2, V3/,
    ],
    [['subscription', 'update', 'whs_1'], /Nothing to update/],
    [['subscription', 'delete', 'whs_1'], /--yes/],
    [['subscription', 'rotate-secret'], /--yes/],
  ])('%j → exit 2', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('no API key: exit 2, the message names COMPOSIO_API_KEY, nothing sent', async () => {
    const before = api.requests.length;
    const result = await runCli(['--base-url', api.url, 'subscription', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('COMPOSIO_API_KEY');
    expect(result.stderr).toContain('--api-key');
    expect(api.requests.length).toBe(before);
  });
});

describe('subscription commands', () => {
  it('a wrong API key: exit 1, HTTP 401 with the request id; x-api-key was sent', async () => {
    const result = await runCli([
      '--api-key',
      'not-a-key',
      '--base-url',
      api.url,
      'subscription',
      'list',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 401 Unauthorized/);
    expect(result.stderr).toMatch(/request id: req_\d+/);
    expect(result.stderr).toContain('Check the API key');
    expect(requestsOf('not-a-key')).toHaveLength(1);
  });

  it('set creates, prints the secret once as an env line; set again updates the same one', async () => {
    const first = await cli(
      'subscription',
      'set',
      '--url',
      hook,
      '--events',
      'trigger-message,connection-expired',
    );
    expect(first.code).toBe(0);
    const [stored] = api.subscriptions(key);
    expect(stored).toBeDefined();
    expect(stored?.enabled_events).toEqual([
      'composio.trigger.message',
      'composio.connected_account.expired',
    ]);
    expect(stored?.version).toBe('V3');
    expect(first.stdout).toContain(`Created webhook subscription ${stored?.id}`);
    expect(first.stdout).toContain(`\nCOMPOSIO_WEBHOOK_SECRET=${stored?.secret}\n`);
    expect(first.stdout.split(stored?.secret ?? '?')).toHaveLength(2); // printed exactly once

    const second = await cli(
      'subscription',
      'set',
      '--url',
      `${hook}/v2`,
      '--events',
      'composio.trigger.disabled',
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Updated webhook subscription ${stored?.id}`);
    expect(api.subscriptions(key)).toHaveLength(1);
    expect(api.subscriptions(key)[0]).toMatchObject({
      webhook_url: `${hook}/v2`,
      enabled_events: ['composio.trigger.disabled'],
    });
  });

  it('set --json: created flag, the subscription with its secret, and the env line', async () => {
    const result = await cli('subscription', 'set', '--url', hook, '--json');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    const [stored] = api.subscriptions(key);
    expect(parsed).toEqual({
      created: true,
      subscription: {
        id: stored?.id,
        webhookUrl: hook,
        version: 'V3',
        enabledEvents: ['composio.trigger.message'],
        secret: stored?.secret,
        createdAt: stored?.created_at,
        updatedAt: stored?.updated_at,
      },
      env: `COMPOSIO_WEBHOOK_SECRET=${stored?.secret}`,
    });
  });

  it('reads COMPOSIO_API_KEY and COMPOSIO_BASE_URL from the environment', async () => {
    const result = await runCli(['subscription', 'set', '--url', hook], {
      COMPOSIO_API_KEY: key,
      COMPOSIO_BASE_URL: api.url,
    });
    expect(result.code).toBe(0);
    expect(api.subscriptions(key)).toHaveLength(1);
  });

  it('get masks the secret unless --show-secret; without an id it finds the project subscription', async () => {
    await cli('subscription', 'set', '--url', hook);
    const [stored] = api.subscriptions(key);
    const secret = stored?.secret ?? '';
    const masked = await cli('subscription', 'get');
    expect(masked.code).toBe(0);
    expect(masked.stdout).toContain(`Subscription ${stored?.id}`);
    expect(masked.stdout).toContain(`${secret.slice(0, 4)}…${secret.slice(-4)}`);
    expect(masked.stdout).not.toContain(secret);
    const shown = await cli('subscription', 'get', stored?.id ?? '', '--show-secret', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: stored?.id, secret });
  });

  it('get of an unknown id: exit 1 with the 404; --json puts the error as JSON on stderr', async () => {
    const human = await cli('subscription', 'get', 'whs_nope');
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(
      /HTTP 404 WebhookSubscription_NotFound to GET \/webhook_subscriptions\/whs_nope/,
    );
    const json = await cli('subscription', 'get', 'whs_nope', '--json');
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr)).toMatchObject({
      error: {
        type: 'api',
        status: 404,
        code: 'WebhookSubscription_NotFound',
        requestId: expect.stringMatching(/^req_/),
      },
    });
  });

  it('get without an id when the project has none: exit 1, says how to create one', async () => {
    const result = await cli('subscription', 'get');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('subscription set --url');
  });

  it('list pages with cursors; --all follows them', async () => {
    const seeded = api.seed(key, 5);
    const first = await cli('subscription', 'list', '--limit', '2');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(seeded[0]?.id);
    expect(first.stdout).not.toContain(seeded[2]?.id);
    const cursor = /--cursor (\S+)/.exec(first.stdout)?.[1];
    expect(first.stdout).toContain('Page 1 of 3 · 5 subscriptions');
    expect(cursor).toBeDefined();

    const second = JSON.parse(
      (await cli('subscription', 'list', '--limit', '2', '--cursor', cursor ?? '', '--json'))
        .stdout,
    );
    expect(second.items.map((s: { id: string }) => s.id)).toEqual([seeded[2]?.id, seeded[3]?.id]);
    expect(second.currentPage).toBe(2);
    expect(second.items[0].secret).not.toBe(seeded[2]?.secret); // masked

    const all = JSON.parse(
      (await cli('subscription', 'list', '--all', '--limit', '2', '--json')).stdout,
    );
    expect(all.items.map((s: { id: string }) => s.id)).toEqual(seeded.map((s) => s.id));
  });

  it('update changes only the given fields', async () => {
    await cli('subscription', 'set', '--url', hook, '--events', 'trigger-message,trigger-disabled');
    const [stored] = api.subscriptions(key);
    const result = await cli('subscription', 'update', stored?.id ?? '', '--url', `${hook}/moved`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${hook}/moved`);
    expect(requestsOf(key).at(-1)?.body).toEqual({ webhook_url: `${hook}/moved` });
    expect(api.subscriptions(key)[0]?.enabled_events).toEqual([
      'composio.trigger.message',
      'composio.trigger.disabled',
    ]);
  });

  it('update to V2 with lifecycle events warns that they need V3', async () => {
    await cli(
      'subscription',
      'set',
      '--url',
      hook,
      '--events',
      'trigger-message,connection-expired',
    );
    const result = await cli('subscription', 'update', '--payload-version', 'V2');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /composio\.connected_account\.expired is only delivered with V3 payloads/,
    );
  });

  it('delete --yes removes it; deleting again is a 404 (exit 1)', async () => {
    await cli('subscription', 'set', '--url', hook);
    const id = api.subscriptions(key)[0]?.id ?? '';
    const result = await cli('subscription', 'delete', id, '--yes');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Deleted webhook subscription ${id}`);
    expect(api.subscriptions(key)).toHaveLength(0);
    const again = await cli('subscription', 'delete', id, '--yes');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('HTTP 404');
  });

  it('rotate-secret --yes prints the new secret and explains the rotation window', async () => {
    await cli('subscription', 'set', '--url', hook);
    const old = api.subscriptions(key)[0]?.secret ?? '';
    const result = await cli('subscription', 'rotate-secret', '--yes');
    expect(result.code).toBe(0);
    const fresh = api.subscriptions(key)[0]?.secret ?? '';
    expect(fresh).not.toBe(old);
    expect(result.stdout).toContain(`\nCOMPOSIO_WEBHOOK_SECRET=${fresh}\n`);
    expect(result.stdout).not.toContain(old);
    expect(result.stdout).toContain('stops validating at once');
    expect(result.stdout).toContain('secret: [new, old]');

    const json = JSON.parse((await cli('subscription', 'rotate-secret', '--yes', '--json')).stdout);
    expect(json.secret).toBe(api.subscriptions(key)[0]?.secret);
    expect(json.secret).not.toBe(fresh);
    expect(json.env).toBe(`COMPOSIO_WEBHOOK_SECRET=${json.secret}`);
    // The human output prints the same snippet as --json, indented.
    const printed = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('    ') || line === '')
      .map((line) => line.slice(4))
      .join('\n')
      .trim();
    expect(printed).toBe(json.rotationSnippet);
  });

  it('the rotation snippet compiles under strict TypeScript; a missing _OLD secret is named', async () => {
    await cli('subscription', 'set', '--url', hook);
    const { rotationSnippet } = JSON.parse(
      (await cli('subscription', 'rotate-secret', '--yes', '--json')).stdout,
    ) as { rotationSnippet: string };
    // The README shows the same snippet.
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${rotationSnippet}\n\`\`\``);
    const run = await compileAndRun(rotationSnippet, { COMPOSIO_WEBHOOK_SECRET: 'new-secret' });
    expect(run.tsc).toBe('');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'COMPOSIO_WEBHOOK_SECRET_OLD is not set: during a secret rotation, set it on every server.',
    );
    const both = await compileAndRun(rotationSnippet, {
      COMPOSIO_WEBHOOK_SECRET: 'new-secret',
      COMPOSIO_WEBHOOK_SECRET_OLD: 'old-secret',
    });
    expect(both).toMatchObject({ tsc: '', code: 0, stderr: '' });
  }, 60_000);

  it('event-types: a table, or JSON', async () => {
    const human = await cli('event-types');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /composio\.connected_account\.expired\s+V3\s+A connected account expired/,
    );
    const json = JSON.parse((await cli('event-types', '--json')).stdout);
    expect(json.items[0]).toEqual({
      eventType: 'composio.trigger.message',
      description: 'A trigger fired.',
      supportedVersions: ['V1', 'V2', 'V3'],
    });
  });
});

describe('retries and malformed answers, through the binary', () => {
  it('429 with retry-after: 1 → waits, retries, succeeds (exit 0)', async () => {
    api.fault({
      status: 429,
      headers: { 'retry-after': '1' },
      path: '/webhook_subscriptions/event_types',
    });
    const result = await cli('event-types', '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('HTTP 429 (rate limited); retrying in 1.0 s');
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(JSON.parse(result.stdout).items).toHaveLength(3);
  });

  it('500 twice on GET → retried, succeeds (exit 0)', async () => {
    api.seed(key, 1);
    api.fault({ method: 'GET', path: '/webhook_subscriptions', status: 500, times: 2 });
    const result = await cli('subscription', 'list', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).items).toHaveLength(1);
    expect(requestsOf(key).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('500 on create is not retried: exit 1 after one POST', async () => {
    api.fault({ method: 'POST', path: '/webhook_subscriptions', status: 500 });
    const result = await cli('subscription', 'set', '--url', hook);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 500');
    expect(requestsOf(key).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a malformed answer: exit 1 with what was wrong and where', async () => {
    api.fault({ status: 200, path: '/webhook_subscriptions', body: { items: 'oops' } });
    const result = await cli('subscription', 'list');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Unexpected response from Composio for GET /webhook_subscriptions',
    );
    expect(result.stderr).toContain('expected an array of subscriptions at $.items');
  });
});

describe('colour', () => {
  const ESC = '\u001b[';
  it('none when piped (the default for a child process)', async () => {
    const result = await cli('event-types');
    expect(result.stdout).not.toContain(ESC);
  });

  it('FORCE_COLOR turns it on; NO_COLOR and --no-color win over it', async () => {
    const base = ['--api-key', key, '--base-url', api.url, 'event-types'];
    expect((await runCli(base, { FORCE_COLOR: '1' })).stdout).toContain(ESC);
    expect((await runCli(base, { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toContain(ESC);
    expect((await runCli([...base, '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
  });
});
