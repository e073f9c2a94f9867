/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) and
 * deliver signed events to it over real HTTP.
 */
import { buildConnectionExpired, buildTriggerMessage } from '@composio-webhooks/core/testing';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { listen, sign } from './support.js';

// Run as written, except that the test serves the app on a free port instead of 3000.
const readme = readmeSnippets(new URL('..', import.meta.url), {
  edit: (snippet) => snippet.replace('await app.listen({ port: 3000 });', 'export default app;'),
});

describe('README opening snippet', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  afterAll(() => readme.remove());

  it('registers the plugin and handles signed deliveries over real HTTP', async () => {
    const snippet = readme.snippets[0] ?? '';
    expect(snippet).toContain(
      "await app.register(composioWebhooks, { router, path: '/webhooks/composio' });",
    );
    expect(snippet).toContain('await app.listen({ port: 3000 });');

    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', 'readme-secret');
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { default: app } = (await import(/* @vite-ignore */ readme.file(0))) as {
      default: FastifyInstance;
    };
    const server = await listen(app);
    try {
      const post = async (payload: unknown) => {
        const signed = await sign(payload, { secret: 'readme-secret' });
        const response = await fetch(`${server.url}/webhooks/composio`, {
          method: 'POST',
          headers: signed.headers,
          body: signed.body,
        });
        return { status: response.status, body: await response.json() };
      };
      const commit = buildTriggerMessage();
      expect(await post(commit)).toEqual({ status: 200, body: { ok: true, id: commit.id } });
      const expired = buildConnectionExpired({ toolkit: 'gmail', accountId: 'ca_123' });
      expect((await post(expired)).status).toBe(200);
      expect(logged).toEqual([
        ['new commit', commit.data],
        ['ask the owner of ca_123 to reconnect gmail'],
      ]);
    } finally {
      await server.close();
    }
  });
});
