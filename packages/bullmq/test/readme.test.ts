/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) against
 * the test Redis and deliver a signed event to it over real HTTP; the worker it starts runs the
 * handler.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { InboxWorker, WebhookInbox } from '../src/index.js';
import { eventually, post, SECRET, signedDelivery } from './helpers/setup.js';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

function openingSnippet(): string {
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no ```ts snippet');
  return match[1];
}

describe('README opening snippet', () => {
  const saved = { secret: process.env.COMPOSIO_WEBHOOK_SECRET, url: process.env.REDIS_URL };
  afterEach(() => {
    for (const [name, value] of [
      ['COMPOSIO_WEBHOOK_SECRET', saved.secret],
      ['REDIS_URL', saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    vi.restoreAllMocks();
  });

  it('queues a signed delivery, answers 200 and runs the handler on the worker', async () => {
    const snippet = openingSnippet();
    expect(snippet).toContain(
      "app.post('/webhooks/composio', composioWebhook({ router: inbox.router }));",
    );
    expect(snippet).toContain('app.listen(3000);');
    // Run it as written, except that the test serves the app itself instead of port 3000.
    const queueName = `readme-${globalThis.crypto.randomUUID()}`;
    const runnable = `${snippet
      .replace('app.listen(3000);', '')
      .replace("queueName: 'composio-webhooks'", `queueName: '${queueName}'`)}
export { app, connection, inbox, worker };
`;
    const dir = fileURLToPath(new URL('.tmp/', root));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}readme-snippet-${process.pid}.ts`;
    writeFileSync(file, runnable);

    process.env.COMPOSIO_WEBHOOK_SECRET = SECRET;
    process.env.REDIS_URL = inject('redisUrl');
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { app, connection, inbox, worker } = (await import(/* @vite-ignore */ file)) as {
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
