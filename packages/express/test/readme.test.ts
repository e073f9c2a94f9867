/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) and
 * deliver signed events to it over real HTTP.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildConnectionExpired, buildTriggerMessage } from '@composio-webhooks/core/testing';
import type { Express } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliver, sign } from './support.js';

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

  it('mounts the middleware before express.json() and handles signed deliveries', async () => {
    const snippet = openingSnippet();
    const webhookAt = snippet.indexOf(
      "app.post('/webhooks/composio', composioWebhook({ router }))",
    );
    const jsonAt = snippet.indexOf('app.use(express.json())');
    expect(webhookAt).toBeGreaterThan(0);
    expect(jsonAt).toBeGreaterThan(webhookAt);
    expect(snippet).toContain('app.listen(3000);');

    // Run it as written, except that the test serves the app itself instead of port 3000.
    const runnable = snippet.replace('app.listen(3000);', 'export default app;');
    const dir = fileURLToPath(new URL('.tmp/', root));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}readme-snippet-${process.pid}.ts`;
    writeFileSync(file, runnable);

    process.env.COMPOSIO_WEBHOOK_SECRET = 'readme-secret';
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { default: app } = (await import(/* @vite-ignore */ file)) as { default: Express };

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
