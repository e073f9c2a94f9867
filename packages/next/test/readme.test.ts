/**
 * The README's snippets as users copy them: every ```ts block type-checks against the built
 * package as a Next.js app compiles it (bundler resolution), and the App Router snippets run as
 * written against signed deliveries. (The Pages Router route runs under `next start` in
 * examples/nextjs, in this same shape.)
 */
import {
  buildConnectionExpired,
  buildTriggerMessage,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import { NextRequest } from 'next/server.js';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { composioApiRoute } from '../src/index.js';
import { requireNextBuilt } from './support.js';

const readme = readmeSnippets(new URL('..', import.meta.url), 'tsconfig.types.json');
const secret = 'next-readme-secret';
type Handler = (request: Request) => Promise<Response>;

async function post(payload: unknown, key = secret): Promise<Request> {
  const { body, headers } = await signWebhook({ payload, secret: key });
  return new Request('http://localhost/api/webhooks/composio', { method: 'POST', body, headers });
}

async function load<T>(index: number): Promise<T> {
  return (await import(/* @vite-ignore */ readme.file(index))) as T;
}

afterAll(() => readme.remove());

describe('README', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('has the App Router, seed, safe Pages Router, verify-only, typed-data and testing snippets', () => {
    expect(readme.snippets).toHaveLength(6);
    expect(readme.snippets[0]).toContain('export const POST = composioWebhook({ router });');
    expect(readme.snippets[1]).toContain('const payload = req.body;');
    expect(readme.snippets[2]).toContain('export default composioApiRoute({ router });');
    expect(readme.snippets[2]).toContain('export const config = { api: { bodyParser: false } };');
    expect(readme.snippets[3]).toContain('withComposioWebhook<NextRequest>(');
    expect(readme.snippets[4]).toContain("declare module '@composio-webhooks/next'");
    expect(readme.snippets[5]).toContain('console.log(answer.status); // 200');
  });

  it('every ts snippet type-checks against the built package', async () => {
    requireNextBuilt();
    await readme.typecheck();
  }, 90_000);

  it('the App Router snippet verifies, routes and refuses', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { POST } = await load<{ POST: Handler }>(0);
    const commit = buildTriggerMessage();
    const answer = await POST(await post(commit));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, id: commit.id });
    const expired = buildConnectionExpired({ toolkit: 'gmail', accountId: 'ca_123' });
    expect((await POST(await post(expired))).status).toBe(200);
    expect((await POST(await post(buildTriggerMessage(), 'forged'))).status).toBe(401);
    expect(logged).toEqual([
      ['new commit', commit.data],
      ['ask the owner of ca_123 to reconnect gmail'],
    ]);
  });

  it('the safe Pages Router snippet exports the handler and the body-parser config', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    const route = await load<{ default: unknown; config: unknown }>(2);
    expect(typeof route.default).toBe('function');
    expect(route.config).toEqual(composioApiRoute.config);
  });

  it('the verify-only snippet answers with its own Response', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { POST } = await load<{ POST: Handler }>(3);
    const event = buildTriggerMessage();
    const answer = await POST(new NextRequest(await post(event)));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: event.id });
  });

  it('the testing snippet answers its signed delivery 200', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    await load(5);
    expect(logged).toEqual([[200]]);
  });
});
