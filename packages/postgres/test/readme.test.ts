/**
 * The README's snippets as users copy them: all compile against the built package (Neon's too),
 * and the opening one (Express + pg + migrate) runs as written (the test serves the app itself
 * instead of port 3000): a delivery answered 200, then as a duplicate. The PGlite snippet's
 * calls are the ones test/pglite.test.ts runs.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@composio-webhooks/test-postgres';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import type { Express } from 'express';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { SECRET, signedDelivery } from './helpers/deliveries.js';

const readme = readmeSnippets(new URL('..', import.meta.url), {
  edit: (snippet, index) =>
    index === 0
      ? `${snippet.replace('app.listen(3000);', '')}
export const served: import('express').Express = app;
export { pool };
`
      : snippet,
});
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
afterAll(async () => {
  readme.remove();
  await database?.drop();
});

it('compiles every snippet under strict TypeScript', async () => {
  expect(readme.snippets).toHaveLength(3);
  await readme.typecheck();
}, 120_000);

it('runs the opening snippet: migrates, then handles a delivery once', async () => {
  const snippet = readme.snippets[0] ?? '';
  expect(snippet).toContain('await store.migrate();');
  expect(snippet).toContain('app.listen(3000);');
  vi.stubEnv('DATABASE_URL', database.url);
  vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
  const logged: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logged.push(args);
  });
  const { served: app, pool } = (await import(/* @vite-ignore */ readme.file(0))) as {
    served: Express;
    pool: pg.Pool;
  };
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/composio`;
    const delivery = await signedDelivery();
    const send = async () => {
      const response = await fetch(url, {
        method: 'POST',
        body: delivery.body,
        headers: delivery.headers,
      });
      return { status: response.status, body: await response.json() };
    };
    expect(await send()).toEqual({ status: 200, body: { ok: true, id: delivery.id } });
    expect(await send()).toEqual({
      status: 200,
      body: { ok: true, id: delivery.id, duplicate: true },
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]?.[0]).toBe('new commit');
    const { rows } = await pool.query('SELECT id, token FROM composio_webhook_idempotency');
    expect(rows).toEqual([{ id: delivery.id, token: null }]);
  } finally {
    server.close();
    const { pool } = (await import(/* @vite-ignore */ readme.file(0))) as { pool: pg.Pool };
    await pool.end();
  }
});
