/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) against
 * the test PostgreSQL and deliver a signed event to it over real HTTP; the worker it starts runs
 * the handler.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase } from '@composio-webhooks/test-postgres';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import type { Express } from 'express';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { InboxWorker, WebhookInbox } from '../src/index.js';
import { eventually, post, SECRET, signedDelivery } from './helpers/setup.js';

// Run as written, except that the test serves the app itself instead of port 3000, and the
// worker polls every half second.
const readme = readmeSnippets(new URL('..', import.meta.url), {
  edit: (snippet, index) =>
    index > 0
      ? snippet
      : `${snippet
          .replace('app.listen(3000);', '')
          .replace('{ concurrency: 8 }', '{ concurrency: 8, pollingIntervalSeconds: 0.5 }')}
export { app, inbox, worker };
`,
});

describe('README opening snippet', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  afterAll(() => readme.remove());

  it('stores a signed delivery, answers 200 and runs the handler on the worker', async () => {
    const snippet = readme.snippets[0] ?? '';
    expect(snippet).toContain(
      "app.post('/webhooks/composio', composioWebhook({ router: inbox.router }));",
    );
    expect(snippet).toContain('app.listen(3000);');
    const database = await createTestDatabase();
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    vi.stubEnv('DATABASE_URL', database.url);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { app, inbox, worker } = (await import(/* @vite-ignore */ readme.file(0))) as {
      app: Express;
      inbox: WebhookInbox;
      worker: InboxWorker;
    };
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/composio`;
      const delivery = await signedDelivery(undefined, { sha: 'abc' });
      expect(await post(url, delivery)).toMatchObject({
        status: 200,
        body: { ok: true, id: delivery.id },
      });
      await eventually(() => (logged.length > 0 ? true : undefined), 'the handler');
      expect(logged).toEqual([['new commit', delivery.id, { sha: 'abc' }]]);
    } finally {
      server.close();
      await worker.close();
      await inbox.close();
      await database.drop();
    }
  });
});
