/**
 * The README's snippets as users copy them: every ```ts block type-checks against the built
 * package, and the opening, verify-only and Worker snippets run as written (through Hono's
 * `app.request` / `app.fetch`) against signed deliveries.
 */
import {
  buildConnectionExpired,
  buildTriggerMessage,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import type { Hono } from 'hono';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { requireHonoBuilt } from './support.js';

// The opening snippet serves on Node with @hono/node-server; the test takes its app instead.
const readme = readmeSnippets(new URL('..', import.meta.url), {
  edit: (snippet) =>
    snippet.replace('serve({ fetch: app.fetch, port: 3000 });', 'export default app;'),
});
const secret = 'hono-readme-secret';

async function post(payload: unknown, key = secret) {
  const { body, headers } = await signWebhook({ payload, secret: key });
  return new Request('http://localhost/webhooks/composio', { method: 'POST', body, headers });
}

/** The README's snippets by what each is for (their order follows the README's sections). */
const SNIPPETS = {
  opening: "app.post('/webhooks/composio', composioWebhook({ router }));",
  worker: 'secret: c.env.COMPOSIO_WEBHOOK_SECRET',
  verifyOnly: "const delivery = c.get('composio');",
  typed: "declare module '@composio-webhooks/hono'",
  testing: "app.request('/webhooks/composio'",
} as const;
const indexOf = (name: keyof typeof SNIPPETS) =>
  readme.snippets.findIndex((snippet) => snippet.includes(SNIPPETS[name]));

async function load(name: keyof typeof SNIPPETS): Promise<Hono> {
  const file = readme.file(indexOf(name));
  return ((await import(/* @vite-ignore */ file)) as { default: Hono }).default;
}

afterAll(() => readme.remove());

describe('README', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('has the opening, Worker, verify-only, typed-data and testing snippets, in that order', () => {
    expect(readme.snippets).toHaveLength(5);
    expect(Object.keys(SNIPPETS).map((name) => indexOf(name as keyof typeof SNIPPETS))).toEqual([
      0, 1, 2, 3, 4,
    ]);
  });

  it('every ts snippet type-checks against the built package', async () => {
    requireHonoBuilt();
    await readme.typecheck();
  }, 90_000);

  it('the opening snippet verifies, routes and refuses', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const app = await load('opening');
    const commit = buildTriggerMessage();
    const answer = await app.request(await post(commit));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, id: commit.id });
    const expired = buildConnectionExpired({ toolkit: 'gmail', accountId: 'ca_123' });
    expect((await app.request(await post(expired))).status).toBe(200);
    expect((await app.request(await post(buildTriggerMessage(), 'forged'))).status).toBe(401);
    expect(logged).toEqual([
      ['new commit', commit.data],
      ['ask the owner of ca_123 to reconnect gmail'],
    ]);
  });

  it('the verify-only snippet answers with its own JSON', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const app = await load('verifyOnly');
    const event = buildTriggerMessage();
    const answer = await app.request(await post(event));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: event.id });
  });

  it('the Worker snippet takes the secret from the bindings and keeps ctx', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const app = await load('worker');
    const ctx = { waitUntil: vi.fn(), passThroughOnException: vi.fn(), props: {} };
    const env = { COMPOSIO_WEBHOOK_SECRET: secret };
    const answer = await app.fetch(await post(buildTriggerMessage()), env, ctx);
    expect(answer.status).toBe(200);
  });

  it('the testing snippet answers its signed delivery 200', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    await import(/* @vite-ignore */ readme.file(indexOf('testing')));
    expect(logged).toEqual([[200]]);
  });
});
