/**
 * The README's snippets, run from the README text itself and driven over real HTTP: the opening
 * copy-paste snippet (plain Koa, `path`) and the verify-only snippet (@koa/router).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildConnectionExpired,
  buildTriggerMessage,
  signWebhook,
} from '@composio-webhooks/core/testing';
import type Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliver } from './support.js';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const SECRET = 'readme-secret';

/** The ```ts blocks of the README, in order. */
function snippets(): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

async function load(name: string, source: string): Promise<Koa> {
  const dir = fileURLToPath(new URL('.tmp/', root));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}readme-${name}-${process.pid}.ts`;
  writeFileSync(file, source);
  return ((await import(/* @vite-ignore */ file)) as { default: Koa }).default;
}

const sign = (payload: unknown) => signWebhook({ payload, secret: SECRET });

describe('README snippets', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('the opening snippet handles signed deliveries, secret from COMPOSIO_WEBHOOK_SECRET', async () => {
    const [opening] = snippets();
    expect(opening).toContain("app.use(composioWebhook({ router, path: '/webhooks/composio' }));");
    expect(opening).toContain('app.listen(3000);');
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    // As written, except that the test serves the app instead of port 3000.
    const app = await load(
      'opening',
      (opening as string).replace('app.listen(3000);', 'export default app;'),
    );

    const commit = buildTriggerMessage({ metadata: { user_id: 'user-7' } });
    const res = await deliver(app.callback(), await sign(commit)).expect(200);
    expect(res.body).toEqual({ ok: true, id: commit.id });
    const expired = buildConnectionExpired({ toolkit: 'gmail', userId: 'user-9' });
    await deliver(app.callback(), await sign(expired)).expect(200);
    expect(logged).toEqual([
      ['commit by', 'octocat', 'for user', 'user-7'],
      ['reconnect', 'gmail', 'for', 'user-9'],
    ]);
  });

  it('the verify-only snippet hands the typed delivery to the route handler', async () => {
    const [, verifyOnly] = snippets();
    expect(verifyOnly).toContain(
      "routes.post('/webhooks/composio', composioWebhook(), async (ctx) => {",
    );
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    // The snippet as written, serving the app to the test instead of a port.
    const app = await load('verify-only', `${verifyOnly}\nexport default app;\n`);
    const expired = buildConnectionExpired();
    const signed = await sign(expired);
    await deliver(app.callback(), signed).expect(202);
    expect(logged).toEqual([['queueing', expired.type]]);
    const duplicate = await deliver(app.callback(), signed).expect(200);
    expect(duplicate.body).toEqual({ ok: true, id: expired.id, duplicate: true });
    expect(logged).toHaveLength(1);
  });
});
