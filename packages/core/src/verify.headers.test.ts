import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hmacSignature, rejectionOf } from '../test/support.js';
import {
  at,
  BODY,
  goodSignature,
  headersFor,
  ID,
  outcome,
  SECRET,
  T,
  verifyAt,
} from '../test/verify-helpers.js';
import { WebhookError, WebhookPayloadError, WebhookVerificationError } from './errors.js';
import { signWebhook } from './sign.js';
import { buildTriggerMessage } from './testing.js';
import { createWebhookVerifier, verifyWebhook } from './verifier.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('timestamp tolerance', () => {
  const headers = headersFor(goodSignature());

  it.each([
    ['299 s old', T + 299, 'valid'],
    ['300 s old', T + 300, 'valid'],
    ['301 s old', T + 301, 'TIMESTAMP_OUT_OF_TOLERANCE'],
    ['one day old', T + 86_400, 'TIMESTAMP_OUT_OF_TOLERANCE'],
    ['299 s in the future', T - 299, 'valid'],
    ['300 s in the future', T - 300, 'valid'],
    ['301 s in the future', T - 301, 'TIMESTAMP_OUT_OF_TOLERANCE'],
    ['one day in the future', T - 86_400, 'TIMESTAMP_OUT_OF_TOLERANCE'],
  ])('default tolerance (300 s), timestamp %s: %s', async (_name, nowSeconds, expected) => {
    expect(await outcome(verifyAt(nowSeconds, BODY, headers))).toBe(expected);
    const verifier = createWebhookVerifier({ secret: SECRET, now: at(nowSeconds) });
    expect(await outcome(verifier.verify(BODY, headers))).toBe(expected);
  });

  it('tolerance: undefined means 300 s, not off', async () => {
    const options = { secret: SECRET, tolerance: undefined };
    expect(await outcome(verifyAt(T + 301, BODY, headers, options))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    expect(await outcome(verifyAt(T + 299, BODY, headers, options))).toBe('valid');
    const verifier = createWebhookVerifier({ ...options, now: at(T - 301) });
    expect(await outcome(verifier.verify(BODY, headers))).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });

  it('tolerance: 0 turns the check off, both ways', async () => {
    for (const nowSeconds of [T + 10 * 365 * 86_400, T - 10 * 365 * 86_400, 0]) {
      expect(await outcome(verifyAt(nowSeconds, BODY, headers, { tolerance: 0 }))).toBe('valid');
    }
  });

  it('tolerance: 0 still checks the signature and the timestamp syntax', async () => {
    expect(await outcome(verifyAt(0, `${BODY} `, headers, { tolerance: 0 }))).toBe(
      'INVALID_SIGNATURE',
    );
    const bad = headersFor(goodSignature(), { 'webhook-timestamp': 'yesterday' });
    expect(await outcome(verifyAt(0, BODY, bad, { tolerance: 0 }))).toBe('INVALID_TIMESTAMP');
  });

  it('a custom tolerance is honoured', async () => {
    expect(await outcome(verifyAt(T + 10, BODY, headers, { tolerance: 10 }))).toBe('valid');
    expect(await outcome(verifyAt(T + 11, BODY, headers, { tolerance: 10 }))).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    expect(await outcome(verifyAt(T + 3000, BODY, headers, { tolerance: 3600 }))).toBe('valid');
  });

  it('is checked against Date.now by default', async () => {
    const fresh = await signWebhook({ payload: BODY, secret: SECRET });
    await expect(
      verifyWebhook({ payload: fresh.body, headers: fresh.headers, secret: SECRET }),
    ).resolves.toMatchObject({ version: 'V3' });
    const stale = await signWebhook({
      payload: BODY,
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const error = await rejectionOf(
      verifyWebhook({ payload: stale.body, headers: stale.headers, secret: SECRET }),
    );
    expect(error).toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE', status: 401 });
  });

  it('the message says how far off the clock is, and in which direction', async () => {
    const old = await rejectionOf(verifyAt(T + 1000, BODY, headers));
    expect((old as Error).message).toMatch(/1000 s old/);
    const future = await rejectionOf(verifyAt(T - 1000, BODY, headers));
    expect((future as Error).message).toMatch(/1000 s in the future/);
  });

  it.each([
    ['letters', 'abc'],
    ['negative', `-${T}`],
    ['decimal', `${T}.5`],
    ['decimal comma-free exponent', '1.763630142e9'],
    ['exponent', '1763630142e0'],
    ['hex', '0x6920a0fe'],
    ['digits then letters', `${T}abc`],
    ['inner space', '1763 630142'],
    ['plus sign', `+${T}`],
    ['full-width digits', '１７６３６３０１４２'],
    ['milliseconds as a decimal', `${T}.000`],
    ['far too many digits', '9'.repeat(40)],
    ['empty', ''],
  ])('a %s timestamp (%j) is INVALID_TIMESTAMP', async (_name, timestamp) => {
    const signature = goodSignature(BODY, SECRET, ID, timestamp);
    const error = await rejectionOf(
      verifyAt(T, BODY, headersFor(signature, { 'webhook-timestamp': timestamp }), {
        tolerance: 0,
      }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ code: 'INVALID_TIMESTAMP', status: 401 });
    expect((error as Error).message).toMatch(/webhook-timestamp/);
  });
});

describe('headers', () => {
  const signature = goodSignature();

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'a missing %s header is MISSING_HEADERS, named in the message',
    async (name) => {
      const headers = headersFor(signature);
      delete headers[name];
      const error = await rejectionOf(verifyAt(T, BODY, headers));
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error).toMatchObject({ code: 'MISSING_HEADERS', status: 401 });
      expect((error as Error).message).toContain(name);
      // Also as an undefined value (how Node records say "absent").
      const undefinedValue = headersFor(signature, { [name]: undefined });
      expect(await outcome(verifyAt(T, BODY, undefinedValue))).toBe('MISSING_HEADERS');
      // And an empty array.
      const emptyArray = headersFor(signature, { [name]: [] });
      expect(await outcome(verifyAt(T, BODY, emptyArray))).toBe('MISSING_HEADERS');
    },
  );

  it('an empty webhook-id or webhook-signature counts as missing', async () => {
    for (const name of ['webhook-id', 'webhook-signature']) {
      const error = await rejectionOf(verifyAt(T, BODY, headersFor(signature, { [name]: '' })));
      expect(error).toMatchObject({ code: 'MISSING_HEADERS' });
      expect((error as Error).message).toContain(name);
    }
  });

  it('no headers at all: every name is in the message', async () => {
    for (const headers of [{}, new Headers(), undefined, null]) {
      const error = await rejectionOf(verifyAt(T, BODY, headers));
      expect(error).toMatchObject({ code: 'MISSING_HEADERS' });
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        expect((error as Error).message).toContain(name);
      }
    }
  });

  it('reads a fetch Headers object', async () => {
    const headers = new Headers({ ...headersFor(signature) } as Record<string, string>);
    headers.set('x-composio-delivery-attempt', '3');
    const delivery = await verifyAt(T, BODY, headers);
    expect(delivery).toMatchObject({ id: ID, timestamp: T, attempt: 3 });
  });

  it('reads any structural Headers-like object (get(name))', async () => {
    const map = new Map(Object.entries(headersFor(signature)));
    const headersLike = { get: (name: string) => (map.get(name) as string | undefined) ?? null };
    await expect(verifyAt(T, BODY, headersLike)).resolves.toMatchObject({ id: ID });
  });

  it('reads a Node header record with mixed-case keys', async () => {
    const headers = {
      'Webhook-Id': ID,
      'WEBHOOK-TIMESTAMP': String(T),
      'webhook-Signature': signature,
      'X-Composio-Delivery-Attempt': '2',
    };
    await expect(verifyAt(T, BODY, headers)).resolves.toMatchObject({ id: ID, attempt: 2 });
  });

  it('combines repeated signature headers (array values)', async () => {
    const wrong = goodSignature(BODY, 'not-the-secret');
    const headers = headersFor([wrong, signature] as unknown as string);
    await expect(verifyAt(T, BODY, headers)).resolves.toMatchObject({ id: ID });
    const fetchHeaders = new Headers();
    fetchHeaders.set('webhook-id', ID);
    fetchHeaders.set('webhook-timestamp', String(T));
    fetchHeaders.append('webhook-signature', wrong);
    fetchHeaders.append('webhook-signature', signature); // joined with ", "
    await expect(verifyAt(T, BODY, fetchHeaders)).resolves.toMatchObject({ id: ID });
  });

  it('accepts an id or timestamp repeated with the same value', async () => {
    const headers = headersFor(signature, {
      'webhook-id': [ID, ID],
      'webhook-timestamp': [String(T), String(T)],
    });
    await expect(verifyAt(T, BODY, headers)).resolves.toMatchObject({ id: ID, timestamp: T });
    const fetchHeaders = new Headers({ ...headersFor(signature) } as Record<string, string>);
    fetchHeaders.append('webhook-id', ID);
    await expect(verifyAt(T, BODY, fetchHeaders)).resolves.toMatchObject({ id: ID });
  });

  it('rejects conflicting ids or timestamps, whichever copy is signed', async () => {
    const otherId = 'msg_11111111-2222-3333-4444-555555555555';
    const both = `${signature} ${goodSignature(BODY, SECRET, otherId)}`;
    const cases: Record<string, string | string[] | undefined>[] = [
      { 'webhook-id': [ID, otherId] },
      { 'webhook-id': [otherId, ID] },
      { 'webhook-id': `${ID}, ${otherId}` },
      { 'webhook-timestamp': [String(T), String(T + 1)] },
    ];
    for (const overrides of cases) {
      const error = await rejectionOf(verifyAt(T, BODY, headersFor(both, overrides)));
      expect(error).toMatchObject({ code: 'MISSING_HEADERS', status: 401 });
      expect((error as Error).message).toMatch(/different values/);
    }
    const fetchHeaders = new Headers({ ...headersFor(both) } as Record<string, string>);
    fetchHeaders.append('webhook-id', otherId);
    expect(await outcome(verifyAt(T, BODY, fetchHeaders))).toBe('MISSING_HEADERS');
  });

  it.each([['a,b'], ['msg_0b6c5a0e,3f52'], [',leading'], ['trailing,'], ['msg_a,,b']])(
    'an id with a comma (%s) is one opaque id, verified as sent',
    async (commaId) => {
      const signed = goodSignature(BODY, SECRET, commaId);
      const record = headersFor(signed, { 'webhook-id': commaId });
      await expect(verifyAt(T, BODY, record)).resolves.toMatchObject({ id: commaId });
      const fetchHeaders = new Headers(record as Record<string, string>);
      await expect(verifyAt(T, BODY, fetchHeaders)).resolves.toMatchObject({ id: commaId });
      const viaGet = { get: (name: string) => fetchHeaders.get(name) };
      await expect(verifyAt(T, BODY, viaGet)).resolves.toMatchObject({ id: commaId });
      // Node's repeated header lines (an array) holding that id twice are two copies of it.
      const copies = headersFor(signed, { 'webhook-id': [commaId, commaId] });
      await expect(verifyAt(T, BODY, copies)).resolves.toMatchObject({ id: commaId });
      // Signed over the id as sent: the parts of it are not the id.
      for (const part of commaId.split(',').filter((p) => p !== '')) {
        expect(await outcome(verifyAt(T, BODY, headersFor(signed, { 'webhook-id': part })))).toBe(
          'INVALID_SIGNATURE',
        );
      }
      const verifier = createWebhookVerifier({ secret: SECRET, now: at(T) });
      await expect(verifier.verify(BODY, record)).resolves.toMatchObject({ id: commaId });
      expect(verifier.checkHeaders(record)).toMatchObject({ id: commaId });
    },
  );

  it('an id with a comma, repeated by a proxy or fetch Headers (", "), is still one id', async () => {
    const commaId = 'msg_a,b';
    const fetchHeaders = new Headers(
      headersFor(goodSignature(BODY, SECRET, commaId), { 'webhook-id': commaId }) as Record<
        string,
        string
      >,
    );
    fetchHeaders.append('webhook-id', commaId); // "msg_a,b, msg_a,b"
    await expect(verifyAt(T, BODY, fetchHeaders)).resolves.toMatchObject({ id: commaId });
    fetchHeaders.append('webhook-id', 'msg_a'); // a different copy
    expect(await outcome(verifyAt(T, BODY, fetchHeaders))).toBe('MISSING_HEADERS');
  });

  it('a conflicting id next to a missing signature names each problem for what it is', async () => {
    const otherId = 'msg_11111111-2222-3333-4444-555555555555';
    const error = await rejectionOf(
      verifyAt(T, BODY, { 'webhook-id': [ID, otherId], 'webhook-timestamp': String(T) }),
    );
    expect(error).toMatchObject({ code: 'MISSING_HEADERS' });
    const text = (error as Error).message;
    expect(text).toMatch(/Missing webhook-signature header\./);
    expect(text).toMatch(/The webhook-id header is repeated with different values/);
    expect(text).not.toMatch(/webhook-signature header is repeated/);
  });

  it('reads x-composio-delivery-attempt only when it is a number', async () => {
    for (const [value, expected] of [
      ['1', 1],
      ['12', 12],
      ['abc', undefined],
      ['-1', undefined],
      ['', undefined],
    ] as const) {
      const delivery = await verifyAt(
        T,
        BODY,
        headersFor(signature, { 'x-composio-delivery-attempt': value }),
      );
      expect(delivery.attempt, value).toBe(expected);
    }
  });

  it('works with the headers and raw body of a real node:http request', async () => {
    const seen: Promise<unknown>[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push(outcome(verifyAt(T, body, req.headers)));
        seen.push(outcome(verifyAt(T, body, req.headersDistinct)));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/' }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.setHeader('Webhook-Id', ID);
        req.setHeader('Webhook-Timestamp', String(T));
        // Two header lines: Node joins them with ", " in req.headers.
        req.setHeader('Webhook-Signature', [goodSignature(BODY, 'wrong'), signature]);
        req.setHeader('Content-Type', 'application/json');
        req.end(BODY);
      });
      expect(await Promise.all(seen)).toEqual(['valid', 'valid']);
    } finally {
      server.close();
    }
  });
});

describe('webhook-id with a comma over real HTTP', () => {
  it('reaches node:http as sent and verifies from req.headers and req.headersDistinct', async () => {
    const commaId = 'msg_0b6c5a0e,retry-2';
    const seen: Promise<unknown>[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push(verifyAt(T, body, req.headers).then((d) => d.id, outcome));
        seen.push(verifyAt(T, body, req.headersDistinct).then((d) => d.id, outcome));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: headersFor(goodSignature(BODY, SECRET, commaId), {
          'webhook-id': commaId,
        }) as Record<string, string>,
        body: BODY,
      });
      await answer.arrayBuffer();
      expect(await Promise.all(seen)).toEqual([commaId, commaId]);
    } finally {
      server.close();
    }
  });
});

describe('body', () => {
  const signature = goodSignature();
  const headers = headersFor(signature);

  it('accepts a string, a Buffer, a Uint8Array and a view into a larger buffer', async () => {
    const bytes = Buffer.from(BODY, 'utf8');
    const plain = new Uint8Array(bytes);
    const backing = new Uint8Array(bytes.length + 20).fill(0x20);
    backing.set(bytes, 7);
    const view = backing.subarray(7, 7 + bytes.length);
    for (const payload of [BODY, bytes, plain, view]) {
      const delivery = await verifyAt(T, payload, headers);
      expect(delivery.event).toEqual(JSON.parse(BODY));
    }
    // The view's neighbours are not part of the body.
    expect(await outcome(verifyAt(T, backing.subarray(6, 7 + bytes.length), headers))).toBe(
      'INVALID_SIGNATURE',
    );
  });

  it('verifies the exact bytes: any change, even whitespace or re-serialization, fails', async () => {
    const parsed = JSON.parse(BODY);
    for (const changed of [
      JSON.stringify(parsed), // re-serialized
      JSON.stringify(parsed, null, 2),
      `${BODY} `,
      BODY.trimEnd(),
      BODY.replace('octocat', 'octocaT'),
      `\uFEFF${BODY}`,
    ]) {
      expect(changed).not.toBe(BODY);
      expect(await outcome(verifyAt(T, changed, headers))).toBe('INVALID_SIGNATURE');
    }
  });

  it('signs over raw bytes, never re-encoded: a non-UTF-8 body with a valid signature is INVALID_PAYLOAD', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"id":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const error = await rejectionOf(
      verifyAt(T, bytes, headersFor(`v1,${hmacSignature(SECRET, ID, T, bytes)}`)),
    );
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect(error).toMatchObject({ code: 'INVALID_PAYLOAD', status: 400 });
  });

  it('a body that starts with a UTF-8 BOM: signed over the bytes as sent, the BOM is not JSON, string and bytes alike', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BODY)]);
    const text = `\uFEFF${BODY}`;
    expect(Buffer.from(text, 'utf8').equals(bytes)).toBe(true);
    const signed = headersFor(goodSignature(bytes));
    const event = JSON.parse(BODY);
    for (const payload of [bytes, new Uint8Array(bytes), text]) {
      // verifyWebhook (the node:crypto fast path), and createWebhookVerifier on both paths.
      await expect(verifyAt(T, payload, signed)).resolves.toMatchObject({ event, raw: event });
      for (const crypto of ['node', 'webcrypto'] as const) {
        const verifier = createWebhookVerifier({ secret: SECRET, now: at(T), crypto });
        await expect(verifier.verify(payload, signed)).resolves.toMatchObject({
          event,
          raw: event,
        });
      }
      // The BOM is part of the signed bytes: a signature over the body without it is not this one.
      expect(await outcome(verifyAt(T, payload, headers))).toBe('INVALID_SIGNATURE');
    }
  });

  it('signWebhook signs bytes as given: a BOM is kept in the body and the signature', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(BODY)]);
    const signed = await signWebhook({ payload: bytes, secret: SECRET, timestamp: T });
    expect(signed.body).toBe(`\uFEFF${BODY}`);
    expect(signed.headers['webhook-id']).toBe(ID);
    expect(signed.headers['webhook-signature']).toBe(goodSignature(bytes));
    await expect(verifyAt(T, bytes, signed.headers)).resolves.toMatchObject({ id: ID });
    await expect(verifyAt(T, signed.body, signed.headers)).resolves.toMatchObject({ id: ID });
  });

  it('a multi-byte UTF-8 body verifies as string and as bytes', async () => {
    const event = buildTriggerMessage({ data: { text: 'héllo wörld — 你好 🎉' } });
    const body = JSON.stringify(event);
    const signed = headersFor(goodSignature(body, SECRET, ID));
    await expect(verifyAt(T, body, signed)).resolves.toMatchObject({ event });
    await expect(verifyAt(T, Buffer.from(body), signed)).resolves.toMatchObject({ event });
  });

  it.each([
    ['a parsed object', JSON.parse(BODY)],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an ArrayBuffer', new ArrayBuffer(8)],
  ])(
    '%s as payload is RAW_BODY_UNAVAILABLE (500) with a fix in the message',
    async (_name, payload) => {
      const error = await rejectionOf(verifyAt(T, payload, headers));
      expect(error).toBeInstanceOf(WebhookError);
      expect(error).toMatchObject({ code: 'RAW_BODY_UNAVAILABLE', status: 500 });
      expect((error as Error).message).toMatch(/raw body/i);
      const verifier = createWebhookVerifier({ secret: SECRET, now: at(T) });
      expect(await outcome(verifier.verify(payload as string, headers))).toBe(
        'RAW_BODY_UNAVAILABLE',
      );
    },
  );

  it('a body that verifies but is not JSON is INVALID_PAYLOAD (400)', async () => {
    const body = 'hello';
    const error = await rejectionOf(verifyAt(T, body, headersFor(goodSignature(body))));
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect(error).toMatchObject({ code: 'INVALID_PAYLOAD', status: 400 });
  });
});
