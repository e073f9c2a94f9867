/** The claim protocol on PGlite (PostgreSQL in WebAssembly, in this process). */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, expect, expectTypeOf, it } from 'vitest';
import { PostgresIdempotencyStore, type PostgresQueryable } from '../src/index.js';
import { describeStoreContract, tokenOf } from './helpers/contract.js';

let db: PGlite;
// Compiling PGlite's WebAssembly takes a second on a quiet machine, far longer on a loaded one.
beforeAll(async () => {
  db = await PGlite.create();
}, 180_000);
afterAll(async () => {
  await db.close();
});

it('types PGlite as a store client', () => {
  expectTypeOf<PGlite>().toExtend<PostgresQueryable>();
});

describeStoreContract('PGlite', { db: () => db });

it('migrates and stores on PGlite as on a server', async () => {
  const store = new PostgresIdempotencyStore({ pool: db });
  await store.migrate();
  await store.migrate();
  await store.complete('msg_1', tokenOf(await store.claim('msg_1')));
  expect(await store.claim('msg_1')).toEqual({ status: 'completed' });
  const { rows } = await db.query(
    "SELECT indexname FROM pg_indexes WHERE tablename = 'composio_webhook_idempotency' ORDER BY indexname",
  );
  expect(rows).toEqual([
    { indexname: 'composio_webhook_idempotency_expires_at_idx' },
    { indexname: 'composio_webhook_idempotency_pkey' },
  ]);
});
