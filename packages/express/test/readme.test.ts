/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) and
 * deliver signed events to it over real HTTP.
 */
import { buildConnectionExpired, buildTriggerMessage } from '@composio-webhooks/core/testing';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import type { Express } from 'express';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { deliver, sign } from './support.js';

// Run as written, except that the test serves the app itself instead of port 3000.
const readme = readmeSnippets(new URL('..', import.meta.url), {
  edit: (snippet) => snippet.replace('app.listen(3000);', 'export default app;'),
});

describe('README opening snippet', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  afterAll(() => readme.remove());

  it('mounts the middleware before express.json() and handles signed deliveries', async () => {
    const snippet = readme.snippets[0] ?? '';
    const webhookAt = snippet.indexOf(
      "app.post('/webhooks/composio', composioWebhook({ router }))",
    );
    const jsonAt = snippet.indexOf('app.use(express.json())');
    expect(webhookAt).toBeGreaterThan(0);
    expect(jsonAt).toBeGreaterThan(webhookAt);
    expect(snippet).toContain('app.listen(3000);');

    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', 'readme-secret');
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { default: app } = (await import(/* @vite-ignore */ readme.file(0))) as {
      default: Express;
    };

    const commit = buildTriggerMessage();
    const res = await deliver(app, await sign(commit, { secret: 'readme-secret' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, id: commit.id });
    const expired = buildConnectionExpired({ toolkit: 'gmail', accountId: 'ca_123' });
    await deliver(app, await sign(expired, { secret: 'readme-secret' })).expect(200);
    expect(logged).toEqual([
      ['new commit', commit.data],
      ['ask the owner of ca_123 to reconnect gmail'],
    ]);
  });
});
