/**
 * The README's snippets as users copy them: every ```ts block type-checks against the built
 * package, and the opening, Worker and verify-only snippets run as written against signed
 * deliveries.
 */
import {
  buildConnectionExpired,
  buildTriggerMessage,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { requireWebBuilt } from './support.js';

const readme = readmeSnippets(new URL('..', import.meta.url));
const { snippets } = readme;
const snippetFile = readme.file;
const secret = 'web-readme-secret';

type Handler = (request: Request, context?: object) => Promise<Response>;

async function signedRequest(payload: unknown, key = secret): Promise<Request> {
  const signed = await signWebhook({ payload, secret: key });
  return new Request('http://localhost/webhooks/composio', {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
}

afterAll(() => readme.remove());

describe('README', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('has the opening, Worker, verify-only, typed-data and testing snippets, in that order', () => {
    expect(snippets).toHaveLength(5);
    expect(snippets[0]).toContain('export const handler = composioWebhook({ router });');
    expect(snippets[1]).toContain('return handler(request, ctx);');
    expect(snippets[2]).toContain('export const POST = withComposioWebhook(');
    expect(snippets[3]).toContain("declare module '@composio-webhooks/web'");
    expect(snippets[4]).toContain('console.log(answer.status); // 200');
  });

  it('every ts snippet type-checks against the built package (strict, DOM lib)', async () => {
    requireWebBuilt();
    await readme.typecheck();
  }, 90_000);

  it('the opening snippet verifies, routes and refuses', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { handler } = (await import(/* @vite-ignore */ snippetFile(0))) as { handler: Handler };
    const commit = buildTriggerMessage();
    const answer = await handler(await signedRequest(commit));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, id: commit.id });
    const expired = buildConnectionExpired({ toolkit: 'gmail', accountId: 'ca_123' });
    expect((await handler(await signedRequest(expired))).status).toBe(200);
    expect((await handler(await signedRequest(buildTriggerMessage(), 'forged'))).status).toBe(401);
    expect(logged).toEqual([
      ['new commit', commit.data],
      ['ask the owner of ca_123 to reconnect gmail'],
    ]);
  });

  it('the Worker snippet takes the secret from env and hands ctx over', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const worker = (await import(/* @vite-ignore */ snippetFile(1))) as {
      default: { fetch(request: Request, env: object, ctx: object): Promise<Response> };
    };
    const ctx = { waitUntil: vi.fn() };
    const env = { COMPOSIO_WEBHOOK_SECRET: secret };
    const answer = await worker.default.fetch(await signedRequest(buildTriggerMessage()), env, ctx);
    expect(answer.status).toBe(200);
  });

  it('the verify-only snippet answers with its own Response', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', secret);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { POST } = (await import(/* @vite-ignore */ snippetFile(2))) as { POST: Handler };
    const event = buildTriggerMessage();
    const answer = await POST(await signedRequest(event));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: event.id });
  });

  it('the testing snippet answers its signed delivery 200', async () => {
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    await import(/* @vite-ignore */ snippetFile(4));
    expect(logged).toEqual([[200]]);
  });
});
