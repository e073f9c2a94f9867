/**
 * The conformance suite, request hygiene: what is refused and how — 401 before the body is read,
 * 400 for an unusable body, 413 and 408 with the connection closed, a foreign charset, a
 * compressed body, other methods.
 */

import type { ConformanceRunner, ConformanceTarget } from './conformance.js';
import { CONFORMANCE_OPTIONS, CONFORMANCE_PATHS } from './conformance-app.js';
import {
  type ConformanceClient,
  check,
  expectStatus,
  secret,
  signBytes,
  trigger,
} from './conformance-client.js';
import { signWebhook } from './sign.js';
import { buildTriggerMessage } from './testing-events.js';

export function describeHygiene(
  c: ConformanceClient,
  target: ConformanceTarget,
  t: ConformanceRunner,
): void {
  t.describe('401: not provably from Composio, answered before the body is read', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: Array<
      [string, string, () => Promise<{ body: string; headers: Record<string, string> }>]
    > = [
      [
        'another secret',
        'INVALID_SIGNATURE',
        () => signWebhook({ payload: trigger(), secret: 'not-it' }),
      ],
      [
        'a body changed after signing',
        'INVALID_SIGNATURE',
        async () => {
          const s = await signWebhook({ payload: trigger(), secret });
          return { ...s, body: s.body.replace('conformance"', 'tampered"') };
        },
      ],
      [
        'a timestamp 400 s old',
        'TIMESTAMP_OUT_OF_TOLERANCE',
        () => signWebhook({ payload: trigger(), secret, timestamp: now() - 400 }),
      ],
      [
        'a timestamp 400 s ahead',
        'TIMESTAMP_OUT_OF_TOLERANCE',
        () => signWebhook({ payload: trigger(), secret, timestamp: now() + 400 }),
      ],
      [
        'a non-numeric timestamp',
        'INVALID_TIMESTAMP',
        async () => {
          const s = await signWebhook({ payload: trigger(), secret });
          return { ...s, headers: { ...s.headers, 'webhook-timestamp': '12e5' } };
        },
      ],
      [
        'no webhook-signature',
        'MISSING_HEADERS',
        async () => {
          const { 'webhook-signature': _, ...headers } = (
            await signWebhook({ payload: trigger(), secret })
          ).headers;
          return { body: '{}', headers };
        },
      ],
      [
        'no signature headers at all',
        'MISSING_HEADERS',
        async () => ({ body: JSON.stringify(trigger()), headers: {} }),
      ],
      [
        'a signature with no v1 entry',
        'INVALID_SIGNATURE',
        async () => {
          const s = await signWebhook({ payload: trigger(), secret });
          return { ...s, headers: { ...s.headers, 'webhook-signature': 'v2,abc' } };
        },
      ],
    ];
    for (const [name, code, prepare] of cases) {
      t.it(`${name} → 401 ${code}, echoing neither secret nor body`, async () => {
        const { body, headers } = await prepare();
        const sent = await c.post(body, headers);
        expectStatus(sent, 401, code);
        check(!sent.text.includes(secret) && !sent.text.includes('conformance"'), 'no echo');
        check(!sent.text.includes(headers['webhook-signature'] ?? '\u0000'), 'no signature echo');
      });
    }
  });

  t.describe('400: signature fine, body unusable', () => {
    const bodies: Array<[string, string | Uint8Array]> = [
      ['malformed JSON', '{"id": "msg_1", '],
      ['JSON that is not a Composio payload', '{"hello":"world"}'],
      ['an empty body', ''],
      ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ];
    for (const [name, body] of bodies) {
      // A platform that hands the body over as decoded text replaces bytes that are not
      // UTF-8 before the adapter sees them: the signature no longer matches (401).
      const lossy = target.textBody === true && typeof body !== 'string';
      t.it(
        lossy
          ? `${name} → 401 INVALID_SIGNATURE (the platform decoded them as text), never 200`
          : `${name} → 400 INVALID_PAYLOAD without echoing it`,
        async () => {
          const sent = await c.post(body, signBytes(body));
          if (lossy) expectStatus(sent, 401, 'INVALID_SIGNATURE');
          else expectStatus(sent, 400, 'INVALID_PAYLOAD');
          check(!sent.text.includes('hello'), 'no echo');
        },
      );
    }
  });

  t.it('413 for a body over 1 MiB with Content-Length, and the connection is closed', async () => {
    const event = buildTriggerMessage({ data: { blob: 'x'.repeat(1024 * 1024 + 1) } });
    const signed = await signWebhook({ payload: event, secret });
    const sent = await c.post(signed.body, signed.headers);
    expectStatus(sent, 413, 'PAYLOAD_TOO_LARGE');
  });

  const streamIt = target.bufferedBody ? () => {} : t.it;
  streamIt(
    '413 for a chunked body that streams past 1 MiB, without reading all of it',
    async () => {
      const signed = await signWebhook({ payload: trigger(), secret });
      const answer = await c.raw(CONFORMANCE_PATHS.router, signed.headers, {
        chunked: true,
        chunks: 40,
        chunkBytes: 64 * 1024,
      });
      check(answer.startsWith('HTTP/1.1 413'), `answer ${answer.slice(0, 200)}`);
    },
  );

  streamIt(
    '408 for a body shorter than its Content-Length, within bodyTimeoutMs',
    async () => {
      const signed = await signWebhook({ payload: trigger(), secret });
      const started = Date.now();
      const answer = await c.raw(CONFORMANCE_PATHS.router, signed.headers, {
        contentLength: 5000,
        chunks: 1,
        chunkBytes: 10,
      });
      check(answer.startsWith('HTTP/1.1 408'), `answer ${answer.slice(0, 200)}`);
      check(Date.now() - started < CONFORMANCE_OPTIONS.bodyTimeoutMs + 2000, 'bounded');
    },
    15_000,
  );

  t.it('400 for a charset other than UTF-8; UTF-8 declared is fine', async () => {
    const latin1 = await signWebhook({ payload: trigger(), secret });
    const refused = await c.post(latin1.body, {
      ...latin1.headers,
      'content-type': 'application/json; charset=iso-8859-1',
    });
    expectStatus(refused, 400, 'INVALID_PAYLOAD');
    const utf8 = await signWebhook({ payload: trigger(), secret });
    const sent = await c.post(utf8.body, {
      ...utf8.headers,
      'content-type': 'application/json; charset=UTF-8',
    });
    check(sent.status === 200, `UTF-8 declared: status ${sent.status}`);
  });

  t.it('415 for a compressed body (Content-Encoding: gzip)', async () => {
    const signed = await signWebhook({ payload: trigger(), secret });
    const sent = await c.post(signed.body, { ...signed.headers, 'content-encoding': 'gzip' });
    expectStatus(sent, 415, 'UNSUPPORTED_ENCODING');
  });

  t.it(
    target.kind !== 'middleware'
      ? 'GET is answered 405 with Allow: POST'
      : 'GET is passed on to the app, never to the handlers',
    async () => {
      const response = await fetch(c.url(CONFORMANCE_PATHS.router));
      await response.arrayBuffer();
      if (target.kind !== 'middleware') {
        check(response.status === 405, `status ${response.status}`);
        check(response.headers.get('allow') === 'POST', 'Allow: POST');
      } else {
        check(response.status === 404 || response.status === 405, `status ${response.status}`);
      }
    },
  );
}
