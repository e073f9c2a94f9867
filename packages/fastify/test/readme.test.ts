/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) and
 * deliver signed events to it over real HTTP.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildConnectionExpired, buildTriggerMessage } from '@composio-webhooks/core/testing';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen, sign } from './support.js';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

/** The first ```ts block of the README. */
function openingSnippet(): string {
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no ```ts snippet');
  return match[1];
}

describe('README opening snippet', () => {
  const saved = process.env.COMPOSIO_WEBHOOK_SECRET;
  afterEach(() => {
    if (saved === undefined) delete process.env.COMPOSIO_WEBHOOK_SECRET;
    else process.env.COMPOSIO_WEBHOOK_SECRET = saved;
    vi.restoreAllMocks();
  });

  it('registers the plugin and handles signed deliveries over real HTTP', async () => {
    const snippet = openingSnippet();
    expect(snippet).toContain(
      "await app.register(composioWebhooks, { router, path: '/webhooks/composio' });",
    );
    expect(snippet).toContain('await app.listen({ port: 3000 });');

    // Run it as written, except that the test serves the app on a free port instead of 3000.
    const runnable = snippet.replace('await app.listen({ port: 3000 });', 'export default app;');
    const dir = fileURLToPath(new URL('.tmp/', root));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}readme-snippet-${process.pid}.ts`;
    writeFileSync(file, runnable);

    process.env.COMPOSIO_WEBHOOK_SECRET = 'readme-secret';
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { default: app } = (await import(/* @vite-ignore */ file)) as {
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
