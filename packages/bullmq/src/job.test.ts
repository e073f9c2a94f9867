import { verifyWebhook } from '@composio-webhooks/core';
import { buildV1TriggerPayload, signWebhook } from '@composio-webhooks/core/testing';
import { describe, expect, it } from 'vitest';
import { deliveryFromJob, inboxJobId, toJobData } from './job.js';

describe('inboxJobId', () => {
  it("uses Composio's msg_<uuid> ids as they are", () => {
    expect(inboxJobId('msg_0b8f0c1e-2a47-4b5e-9d0a-3c6f1e2d4a5b')).toBe(
      'msg_0b8f0c1e-2a47-4b5e-9d0a-3c6f1e2d4a5b',
    );
  });

  it('hashes ids BullMQ refuses as custom ids (all digits, or with ":"), stably', () => {
    for (const id of ['12345', 'a:b', 'a:b:c', '']) {
      expect(inboxJobId(id)).toMatch(/^sha256_[0-9a-f]{64}$/);
      expect(inboxJobId(id)).toBe(inboxJobId(id));
    }
    expect(inboxJobId('a:b')).not.toBe(inboxJobId('a:c'));
  });
});

describe('job data', () => {
  it('round-trips a verified delivery through JSON (a V1 body keeps its raw form)', async () => {
    const secret = 'job-data-secret';
    const signed = await signWebhook({ payload: buildV1TriggerPayload(), secret });
    const delivery = await verifyWebhook({
      payload: signed.body,
      headers: { ...signed.headers, 'x-composio-delivery-attempt': '3' },
      secret,
    });
    const stored = JSON.stringify(toJobData(delivery));
    expect(stored).not.toContain(secret);
    expect(deliveryFromJob(JSON.parse(stored))).toEqual(delivery);
    expect(delivery).toMatchObject({ version: 'V1', attempt: 3 });
  });

  it('refuses data that is not a delivery', () => {
    for (const data of [null, 'x', {}, { id: 'a', timestamp: 1, version: 'V9', event: {} }]) {
      expect(deliveryFromJob(data)).toBeUndefined();
    }
    expect(deliveryFromJob({ id: 'a', timestamp: 1, version: 'V3', event: { type: 'x' } })).toEqual(
      { id: 'a', timestamp: 1, version: 'V3', event: { type: 'x' }, raw: undefined },
    );
  });
});
