/**
 * The built Next.js app under `next start`, over HTTP: the conformance suite against an App
 * Router route (router and verify-only) and a Pages Router API route, then the example's own
 * routes (App Router on the Node.js and Edge runtimes, Pages Router) with signed deliveries.
 */
import {
  buildConnectionExpired,
  buildTriggerMessage,
  CONFORMANCE_OPTIONS,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { describeConformance } from '@composio-webhooks/core/testing/conformance';
import type { RunningServer } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNext } from './next-app.js';

const secret = 'example-nextjs-secret';
const runner = { describe, it, beforeAll, afterAll };
let next: RunningServer | undefined;
let starting: Promise<RunningServer> | undefined;

/** One `next start` for the whole file (the suites below share it). */
function app(): Promise<RunningServer> {
  starting ??= startNext({ COMPOSIO_WEBHOOK_SECRET: secret, COMPOSIO_CONFORMANCE: '1' }).then(
    (server) => {
      next = server;
      return server;
    },
  );
  return starting;
}
afterAll(async () => {
  await next?.close();
});

describeConformance(
  {
    name: 'Next.js 16 App Router (next start)',
    kind: 'route',
    start: async () => ({ url: `${(await app()).url}/conformance`, close: async () => {} }),
  },
  runner,
);

describeConformance(
  {
    name: 'Next.js 16 Pages Router (next start)',
    kind: 'route',
    verifyOnly: false,
    start: async () => ({
      url: `${(await app()).url}/api/conformance-pages`,
      close: async () => {},
    }),
  },
  runner,
);

async function post(path: string, payload: unknown, key = secret): Promise<Response> {
  const { body, headers } = await signWebhook({ payload, secret: key });
  return fetch(`${(await app()).url}${path}`, { method: 'POST', body, headers });
}

async function handlersOf(id: string): Promise<string[]> {
  const records = (await (
    await fetch(`${(await app()).url}/api/demo/handled?id=${id}`)
  ).json()) as Array<{ handler: string }>;
  return records.map((record) => record.handler).sort();
}

describe.each([
  ['App Router (Node.js runtime)', '/api/webhooks/composio', true],
  ['App Router (Edge runtime)', '/api/edge/webhooks/composio', false],
  ['Pages Router', '/api/webhooks/composio-pages', true],
])('the example: %s at %s', (name, path, sameProcess) => {
  it('a trigger message runs its handlers; the retry is a duplicate', async () => {
    const event = buildTriggerMessage();
    const first = await post(path, event);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, id: event.id });
    const copy = await post(path, event);
    expect(await copy.json()).toEqual({ ok: true, id: event.id, duplicate: true });
    // Edge routes run in their own sandbox, with their own memory.
    if (sameProcess) expect(await handlersOf(event.id)).toEqual(['githubCommit', 'triggerMessage']);
  });

  it('a connection expired event is 200; a forgery 401; GET 405', async () => {
    expect((await post(path, buildConnectionExpired())).status).toBe(200);
    const forged = await post(path, buildTriggerMessage(), 'not-the-secret');
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } });
    const get = await fetch(`${(await app()).url}${path}`);
    expect(get.status).toBe(405);
    // An App Router route runs only for the methods it exports: Next.js answers GET itself.
    if (name === 'Pages Router') expect(get.headers.get('allow')).toBe('POST');
  });
});

it('a Pages Router route with the body parser left on is 500 RAW_BODY_UNAVAILABLE', async () => {
  const answer = await post(
    '/api/conformance-pages/parsed',
    buildTriggerMessage(),
    CONFORMANCE_OPTIONS.secret,
  );
  expect(answer.status).toBe(500);
  expect(await answer.json()).toMatchObject({ error: { code: 'RAW_BODY_UNAVAILABLE' } });
});

it('without COMPOSIO_CONFORMANCE the test routes are 404', async () => {
  const plain = await startNext({ COMPOSIO_WEBHOOK_SECRET: secret });
  try {
    const answer = await fetch(`${plain.url}/conformance/runs`);
    expect(answer.status).toBe(404);
  } finally {
    await plain.close();
  }
});
