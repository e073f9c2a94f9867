/**
 * Every combination of the store's `leaseMs` and the receiver's `handlerTimeoutMs` on a real Redis
 * (the testing kit's claim-renewal suite): a copy arriving while the first run still goes never
 * starts a second run, also after the lease would have lapsed without renewal.
 */
import { describeClaimRenewal } from '@composio-webhooks/core/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisIdempotencyStore } from '../src/index.js';
import {
  closeClients,
  createClient,
  IOREDIS_MAJORS,
  removeTestKeys,
  uniquePrefix,
  watchUnhandledRejections,
} from './helpers/clients.js';

const url = inject('redisUrl');
const unhandled = watchUnhandledRejections();

afterAll(async () => {
  closeClients();
  await removeTestKeys(url);
  expect(unhandled.stop()).toEqual([]);
});

for (const major of IOREDIS_MAJORS) {
  const { client, errors } = createClient(url, major);
  describeClaimRenewal(
    {
      name: `RedisIdempotencyStore on ioredis ${major}`,
      store: (leaseMs) =>
        new RedisIdempotencyStore({
          client,
          prefix: uniquePrefix('lease'),
          ...(leaseMs !== undefined && { leaseMs }),
        }),
    },
    { describe, it },
  );
  it(`ioredis ${major}: no client errors`, () => {
    expect(errors).toEqual([]);
  });
}
