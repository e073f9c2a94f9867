import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebhookReceiver } from './receiver.js';
import { createWebhookRouter } from './router.js';
import { buildTriggerMessage, signWebhook } from './testing.js';

const secret = 'fuzz-secret';
const STATUSES = new Set([200, 400, 401, 409, 413, 500, 503]);
const headerNames = [
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'Webhook-Id',
  'x-composio-delivery-attempt',
  'content-type',
];

const headerValue = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'v1,',
    'v1,AAAA',
    'v1a,abc',
    ' ',
    '1763630142',
    '-1',
    '99999999999999999999',
    'v1,=====',
  ),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.integer(),
);

const body = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 512 }),
  fc.json(),
  fc.constantFrom('', '{}', 'null', '[]', '{"type":"composio.trigger.message"}', '\uFEFF{}'),
);

describe('receiver fuzz', () => {
  const router = createWebhookRouter().onAny(() => {});
  const receiver = createWebhookReceiver({ secret, router, logger: false, maxBodyBytes: 4096 });

  it('answers a status from the table for any headers and body, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...headerNames), headerValue),
        body,
        async (headers, payload) => {
          const response = await receiver.receive({
            body: payload as string,
            headers: headers as Record<string, string>,
          });
          expect(STATUSES.has(response.status)).toBe(true);
          expect(response.body.ok).toBe(response.status === 200);
          expect(JSON.stringify(response)).not.toContain(secret);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers for correctly signed but arbitrary bodies (signature fine, payload anything)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (payload) => {
        const signed = await signWebhook({ payload, secret });
        const response = await receiver.receive(signed);
        expect([200, 400, 413]).toContain(response.status);
      }),
      { numRuns: 300 },
    );
  });

  it('answers for structurally odd requests: null/undefined body or headers, Headers objects', async () => {
    const valid = await signWebhook({ payload: buildTriggerMessage(), secret });
    const odd: unknown[] = [
      undefined,
      null,
      {},
      { body: null, headers: null },
      { body: 42, headers: valid.headers },
      { body: { parsed: true }, headers: valid.headers },
      { body: valid.body, headers: new Headers(valid.headers) },
      { body: valid.body, headers: 'nope' },
    ];
    for (const request of odd) {
      const response = await receiver.receive(request as never);
      expect(STATUSES.has(response.status)).toBe(true);
    }
  });
});
