/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) against
 * the test Redis and deliver a signed event to it over real HTTP; the worker it starts runs the
 * handler.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { InboxWorker, WebhookInbox } from '../src/index.js';
import { eventually, post, SECRET, signedDelivery } from './helpers/setup.js';

// Run as written, except that the test serves the app itself instead of port 3000, on a queue
// of its own.
const queueName = `readme-${globalThis.crypto.randomUUID()}`;
const readme = readmeSnippets(new URL('..', import.meta.url), {
  edit: (snippet) => `${snippet
    .replace('app.listen(3000);', '')
    .replace("queueName: 'composio-webhooks'", `queueName: '${queueName}'`)}
export { app, connection, inbox, worker };
`,
});

describe('README opening snippet', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  afterAll(() => readme.remove());

  it('queues a signed delivery, answers 200 and runs the handler on the worker', async () => {
    const snippet = readme.snippets[0] ?? '';
    expect(snippet).toContain(
      "app.post('/webhooks/composio', composioWebhook({ router: inbox.router }));",
    );
    expect(snippet).toContain('app.listen(3000);');
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    vi.stubEnv('REDIS_URL', inject('redisUrl'));
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { app, connection, inbox, worker } = (await import(
      /* @vite-ignore */ readme.file(0)
    )) as {
      app: Express;
      connection: Redis;
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
      await inbox.queue.obliterate({ force: true });
      await inbox.close();
      connection.disconnect();
    }
  });
});
