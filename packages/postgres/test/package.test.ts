/**
 * The built package as users install it: package.json's shape, the SQL file shipped, the ESM and
 * CJS entries running the protocol against the test database through node-postgres, and the
 * declarations type-checking a consumer under NodeNext (ESM and CJS) and bundler resolution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@composio-webhooks/test-postgres';
import { packageScratch } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { packageDir, write, node, typecheck } = packageScratch(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('package.json', () => {
  it('is an ESM package with CJS, types for both formats, pg as an optional peer, the SQL shipped', () => {
    expect(pkg.name).toBe('@composio-webhooks/postgres');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(pkg.files).toEqual(['dist', 'sql', 'README.md']);
    expect(pkg.peerDependencies).toEqual({ pg: '^8.0.0' });
    expect(pkg.peerDependenciesMeta.pg.optional).toBe(true);
    expect(pkg.dependencies).toEqual({ '@composio-webhooks/core': 'workspace:^' });
    expect(readFileSync(join(packageDir, 'sql/001_idempotency.sql'), 'utf8')).toMatch(
      /^CREATE TABLE IF NOT EXISTS composio_webhook_idempotency \(/m,
    );
  });
});

function script(format: 'esm' | 'cjs', url: string, table: string): string {
  const imports =
    format === 'esm'
      ? `import pg from 'pg';
import { PostgresIdempotencyStore } from '@composio-webhooks/postgres';`
      : `const pg = require('pg');
const { PostgresIdempotencyStore } = require('@composio-webhooks/postgres');`;
  return `${imports}
(async () => {
  const pool = new pg.Pool({ connectionString: ${JSON.stringify(url)} });
  const store = new PostgresIdempotencyStore({ pool, tableName: ${JSON.stringify(table)} });
  await store.migrate();
  const first = await store.claim('msg_1');
  const second = await store.claim('msg_1');
  await store.complete('msg_1', first.token);
  const third = await store.claim('msg_1');
  await pool.end();
  console.log(JSON.stringify([first.status, second.status, third.status]));
})();
`;
}

describe.each([
  ['esm', 'run.mjs'],
  ['cjs', 'run.cjs'],
] as const)('built %s entry', (format, file) => {
  it('claims, completes and dedupes through node-postgres', async () => {
    const result = await node(write(file, script(format, database.url, `package_${format}`)));
    expect(result).toEqual(['claimed', 'in-flight', 'completed']);
  }, 30_000);
});

const consumer = `import pg from 'pg';
import {
  type IdempotencyStore,
} from '@composio-webhooks/core';
import {
  PostgresIdempotencyError,
  PostgresIdempotencyStore,
  type PostgresQueryable,
} from '@composio-webhooks/postgres';

const pool = new pg.Pool();
export const store: IdempotencyStore = new PostgresIdempotencyStore({ pool, leaseMs: 30_000 });
export const custom: PostgresQueryable = { query: async () => ({ rows: [] }) };
export const failure = (error: unknown) =>
  error instanceof PostgresIdempotencyError ? error.failure : undefined;
// @ts-expect-error pool is required
new PostgresIdempotencyStore({});
// @ts-expect-error a query() that does not resolve to { rows } is not a pool
new PostgresIdempotencyStore({ pool: { query: async () => 'x' } });
`;

describe.each([
  ['NodeNext ESM', 'consumer.mts', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
  ['NodeNext CJS', 'consumer.cts', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
  ['bundler', 'consumer.ts', { module: 'ESNext', moduleResolution: 'Bundler' }],
] as const)('declarations under %s', (_name, file, resolution) => {
  it('type-check a consumer', async () => {
    expect(await typecheck(file.replace('.', '-'), file, consumer, resolution)).toBe('');
  }, 60_000);
});
