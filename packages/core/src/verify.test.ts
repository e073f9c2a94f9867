import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  hmacSignature,
  payloadText,
  rejectionOf,
  type SignatureVector,
  signatureVectors,
  thrownBy,
} from '../test/support.js';
import {
  isWebhookError,
  WebhookConfigError,
  WebhookError,
  WebhookPayloadError,
  WebhookVerificationError,
} from './errors.js';
import { signWebhook } from './sign.js';
import { buildTriggerMessage } from './testing.js';
import { createWebhookVerifier, type VerifierOptions, verifyWebhook } from './verify.js';

const SECRET = 'composio-test-secret-0001';
const T = 1_763_630_142; // webhook-timestamp of the reference vectors
const at = (seconds: number) => () => seconds * 1000;
const BODY = payloadText('v3-trigger-message.json');
const ID = 'msg_0b6c5a0e-3f52-4d7e-9f8c-2a1e4b7d9c11';

function headersFor(
  signature: string,
  overrides: Record<string, string | string[] | undefined> = {},
): Record<string, string | string[] | undefined> {
  return {
    'webhook-id': ID,
    'webhook-timestamp': String(T),
    'webhook-signature': signature,
    ...overrides,
  };
}

const goodSignature = (
  body: string | Uint8Array = BODY,
  secret = SECRET,
  id = ID,
  ts: string | number = T,
) => `v1,${hmacSignature(secret, id, ts, body)}`;

/** The code of a rejected verification, or `'valid'`. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'valid';
  } catch (error) {
    if (!isWebhookError(error)) throw error;
    return error.code;
  }
}

function verifyAt(
  nowSeconds: number,
  payload: unknown,
  headers: unknown,
  options: Partial<VerifierOptions> = {},
) {
  return verifyWebhook({
    secret: SECRET,
    now: at(nowSeconds),
    ...options,
    payload: payload as string,
    headers: headers as Record<string, string>,
  });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('reference signature vectors', () => {
  const bodyOf = (vector: SignatureVector) => Buffer.from(vector.body_base64, 'base64');
  const optionsOf = (vector: SignatureVector) => ({
    secret: vector.secret,
    secretFormat: vector.secretFormat,
    tolerance: vector.tolerance,
    now: () => vector.now_ms,
  });

  it('has the cases the reference ships', () => {
    expect(signatureVectors.length).toBeGreaterThanOrEqual(5);
    expect(signatureVectors.some((v) => v.expect === 'valid')).toBe(true);
    expect(signatureVectors.some((v) => v.expect !== 'valid')).toBe(true);
  });

  it.each(signatureVectors.map((v) => [v.name, v] as const))(
    '%s: Buffer body through verifyWebhook',
    async (_name, vector) => {
      const result = await outcome(
        verifyWebhook({ ...optionsOf(vector), payload: bodyOf(vector), headers: vector.headers }),
      );
      expect(result).toBe(vector.expect);
    },
  );

  it.each(signatureVectors.map((v) => [v.name, v] as const))(
    '%s: Buffer body through createWebhookVerifier and fetch Headers',
    async (_name, vector) => {
      const verifier = createWebhookVerifier(optionsOf(vector));
      const result = await outcome(verifier.verify(bodyOf(vector), new Headers(vector.headers)));
      expect(result).toBe(vector.expect);
    },
  );

  it.each(signatureVectors.filter((v) => v.expect === 'valid').map((v) => [v.name, v] as const))(
    '%s: string body, and the delivery it returns',
    async (_name, vector) => {
      const text = bodyOf(vector).toString('utf8');
      const delivery = await verifyWebhook({
        ...optionsOf(vector),
        payload: text,
        headers: vector.headers,
      });
      expect(delivery.id).toBe(vector.headers['webhook-id']);
      expect(delivery.timestamp).toBe(Number(vector.headers['webhook-timestamp']));
      expect(delivery.version).toBe('V3');
      expect(delivery.raw).toEqual(JSON.parse(text));
      expect(delivery.event).toEqual(JSON.parse(text));
      expect(delivery.attempt).toBeUndefined();
    },
  );
});

describe('round trips with the standardwebhooks library (independent oracle)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const secrets = [
    'composio-raw-secret-with-punctuation:/+=',
    'sk_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    'clé-secrète-ünïcödé-🔑', // non-ASCII: the key is its UTF-8 bytes
  ];
  // standardwebhooks' `format: 'raw'` takes `charCodeAt(0)` of each UTF-16 unit for a string
  // secret (Latin-1, not UTF-8); with bytes it uses them as-is. Give it the UTF-8 bytes, which is
  // the documented Composio key.
  const oracleRaw = (secret: string) =>
    new Webhook(new TextEncoder().encode(secret) as unknown as string, { format: 'raw' });

  it.each(secrets)('raw secret %j: standardwebhooks signs, we verify', async (secret) => {
    const ts = now();
    const event = buildTriggerMessage();
    const body = JSON.stringify(event);
    const signature = oracleRaw(secret).sign(event.id, new Date(ts * 1000), body);
    const headers = {
      'webhook-id': event.id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signature,
    };
    const delivery = await verifyWebhook({ payload: body, headers, secret });
    expect(delivery.event).toEqual(event);
    await expect(verifyWebhook({ payload: Buffer.from(body), headers, secret })).resolves.toEqual(
      delivery,
    );
  });

  it.each(secrets)('raw secret %j: we sign, standardwebhooks verifies', async (secret) => {
    const event = buildTriggerMessage();
    const { body, headers } = await signWebhook({ payload: event, secret });
    expect(oracleRaw(secret).verify(body, headers)).toEqual(event);
  });

  it('an ASCII raw secret string works with standardwebhooks without conversion', async () => {
    const secret = SECRET;
    const { body, headers } = await signWebhook({ payload: buildTriggerMessage(), secret });
    expect(() => new Webhook(secret, { format: 'raw' }).verify(body, headers)).not.toThrow();
  });

  it('the UTF-8 bytes are the key, not the Latin-1 truncation of each UTF-16 unit', async () => {
    const secret = 'clé-🔑';
    const { body, headers } = await signWebhook({ payload: buildTriggerMessage(), secret });
    expect(() => new Webhook(secret, { format: 'raw' }).verify(body, headers)).toThrow();
    expect(() => oracleRaw(secret).verify(body, headers)).not.toThrow();
  });

  const whsecSecrets = [
    `whsec_${Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').toString('base64')}`,
    `whsec_${Buffer.alloc(32, 0xa5).toString('base64')}`,
    `whsec_${Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]).toString('base64')}`,
  ];

  it.each(whsecSecrets)(
    'whsec_ secret %s: standardwebhooks signs, we verify (secretFormat standard)',
    async (secret) => {
      const ts = now();
      const event = buildTriggerMessage();
      const body = JSON.stringify(event);
      const signature = new Webhook(secret).sign(event.id, new Date(ts * 1000), body);
      const headers = {
        'webhook-id': event.id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signature,
      };
      const verifier = createWebhookVerifier({ secret, secretFormat: 'standard' });
      await expect(verifier.verify(body, headers)).resolves.toMatchObject({ event });
      // The same secret taken as raw UTF-8 bytes is another key: no match.
      expect(await outcome(verifyWebhook({ payload: body, headers, secret }))).toBe(
        'INVALID_SIGNATURE',
      );
    },
  );

  it.each(whsecSecrets)(
    'whsec_ secret %s: we sign (secretFormat standard), standardwebhooks verifies',
    async (secret) => {
      const event = buildTriggerMessage();
      const { body, headers } = await signWebhook({
        payload: event,
        secret,
        secretFormat: 'standard',
      });
      expect(new Webhook(secret).verify(body, headers)).toEqual(event);
      // secretFormat 'standard' accepts the base64 part without the prefix too.
      const bare = secret.slice('whsec_'.length);
      await expect(
        verifyWebhook({ payload: body, headers, secret: bare, secretFormat: 'standard' }),
      ).resolves.toMatchObject({ event });
    },
  );
});

describe('several secrets and several signatures', () => {
  const OLD = 'composio-old-secret';
  const NEW = 'composio-new-secret';
  const verifier = createWebhookVerifier({ secret: [NEW, OLD], now: at(T) });

  it('accepts a delivery signed with any configured secret (rotation window)', async () => {
    for (const secret of [NEW, OLD]) {
      const headers = headersFor(goodSignature(BODY, secret));
      await expect(verifier.verify(BODY, headers)).resolves.toMatchObject({ id: ID });
    }
  });

  it('rejects a secret that is not configured', async () => {
    const headers = headersFor(goodSignature(BODY, 'composio-other-secret'));
    expect(await outcome(verifier.verify(BODY, headers))).toBe('INVALID_SIGNATURE');
  });

  it('accepts when any v1 entry of the header matches, wherever it stands', async () => {
    const wrong = goodSignature(BODY, 'composio-other-secret');
    const good = goodSignature();
    for (const signature of [`${wrong} ${good}`, `${good} ${wrong}`, `${wrong}  ${good} `]) {
      expect(await outcome(verifyAt(T, BODY, headersFor(signature)))).toBe('valid');
    }
  });

  it('ignores v1a and v2 entries, even when they carry the right digest', async () => {
    const digest = hmacSignature(SECRET, ID, T, BODY);
    for (const signature of [`v1a,${digest}`, `v2,${digest}`, `v1a,${digest} v2,${digest}`]) {
      expect(await outcome(verifyAt(T, BODY, headersFor(signature)))).toBe('INVALID_SIGNATURE');
    }
    const mixed = `v1a,${digest} v2,AAAA v1,${hmacSignature('other', ID, T, BODY)} v1,${digest}`;
    expect(await outcome(verifyAt(T, BODY, headersFor(mixed)))).toBe('valid');
  });

  it('rejects entries that are not the canonical base64 of a 32-byte digest', async () => {
    const digest = hmacSignature(SECRET, ID, T, BODY); // 43 chars + '='
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = digest[42] as string;
    // Same 32 bytes, but with non-zero padding bits in the last character.
    const malleable = `${digest.slice(0, 42)}${alphabet[alphabet.indexOf(last) ^ 1]}=`;
    expect(Buffer.from(malleable, 'base64')).toEqual(Buffer.from(digest, 'base64'));
    const variants = [
      malleable,
      digest.slice(0, 43), // unpadded
      digest.slice(0, 40), // truncated
      `${digest}AAAA`, // 35 bytes
      digest.replace(/\+/g, '-').replace(/\//g, '_'), // base64url
      '',
      '!!!!',
    ].filter((v) => v !== digest);
    for (const value of variants) {
      expect(await outcome(verifyAt(T, BODY, headersFor(`v1,${value}`))), value).toBe(
        'INVALID_SIGNATURE',
      );
    }
  });
});

describe('verifyWebhook prepares keys once per secret, and never mixes them up', () => {
  it('alternating secrets, formats, backends and rotation lists give the right answer', async () => {
    const a = 'cache-secret-a';
    const b = 'cache-secret-b';
    const whsec = `whsec_${Buffer.from(a).toString('base64')}`; // same key bytes as `a`
    const signedA = headersFor(goodSignature(BODY, a));
    const signedB = headersFor(goodSignature(BODY, b));
    const cases: [Partial<VerifierOptions>, ReturnType<typeof headersFor>, string][] = [
      [{ secret: a }, signedA, 'valid'],
      [{ secret: a }, signedB, 'INVALID_SIGNATURE'],
      [{ secret: b }, signedB, 'valid'],
      [{ secret: b }, signedA, 'INVALID_SIGNATURE'],
      [{ secret: a, crypto: 'webcrypto' }, signedA, 'valid'],
      [{ secret: a, crypto: 'webcrypto' }, signedB, 'INVALID_SIGNATURE'],
      [{ secret: whsec, secretFormat: 'standard' }, signedA, 'valid'],
      [{ secret: whsec }, signedA, 'INVALID_SIGNATURE'], // the raw whsec_ string is another key
      [{ secret: [b, a] }, signedA, 'valid'],
      [{ secret: [b] }, signedA, 'INVALID_SIGNATURE'],
      [{ secret: a }, signedA, 'valid'],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [options, headers, expected] of cases) {
        expect(await outcome(verifyAt(T, BODY, headers, options)), JSON.stringify(options)).toBe(
          expected,
        );
      }
    }
  });

  it('a rotation list changed in place is read again', async () => {
    const list = ['cache-old-secret'];
    const headers = headersFor(goodSignature(BODY, 'cache-new-secret'));
    expect(await outcome(verifyAt(T, BODY, headers, { secret: list }))).toBe('INVALID_SIGNATURE');
    list.push('cache-new-secret');
    expect(await outcome(verifyAt(T, BODY, headers, { secret: list }))).toBe('valid');
  });
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

describe('configuration errors are thrown at construction', () => {
  const cases: [string, unknown][] = [
    ['empty secret', { secret: '' }],
    ['whitespace-only secret', { secret: '  \n' }],
    ['empty list', { secret: [] }],
    ['list with an empty entry', { secret: ['good-secret', ''] }],
    ['number secret', { secret: 42 }],
    ['object secret', { secret: { value: 'x' } }],
    ['null secret', { secret: null }],
    ['list with a non-string', { secret: ['good-secret', 7] }],
    ['negative tolerance', { secret: SECRET, tolerance: -1 }],
    ['NaN tolerance', { secret: SECRET, tolerance: Number.NaN }],
    ['Infinity tolerance', { secret: SECRET, tolerance: Number.POSITIVE_INFINITY }],
    ['string tolerance', { secret: SECRET, tolerance: '300' }],
    ['null tolerance', { secret: SECRET, tolerance: null }],
    ['unknown secretFormat', { secret: SECRET, secretFormat: 'base64' }],
    ['standard secret not base64', { secret: 'whsec_not base64!', secretFormat: 'standard' }],
    ['standard secret with an empty key', { secret: 'whsec_', secretFormat: 'standard' }],
    ['raw secret given as standard', { secret: SECRET, secretFormat: 'standard' }],
    ['now not a function', { secret: SECRET, now: 1234 }],
    ['options not an object', 'secret'],
  ];

  it.each(cases)('%s → WebhookConfigError INVALID_CONFIG', async (_name, options) => {
    const error = thrownBy(() => createWebhookVerifier(options as VerifierOptions));
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect(error).toBeInstanceOf(WebhookError);
    expect(isWebhookError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', name: 'WebhookConfigError' });
    // verifyWebhook reports the same problem as a rejection, never a synchronous throw.
    if (typeof options === 'object') {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = verifyWebhook({
          ...(options as VerifierOptions),
          payload: BODY,
          headers: headersFor(goodSignature()),
        } as Parameters<typeof verifyWebhook>[0]);
      }).not.toThrow();
      expect(await rejectionOf(promise as Promise<unknown>)).toMatchObject({
        code: 'INVALID_CONFIG',
      });
    }
  });

  it('the standard-format error explains the raw/standard choice', () => {
    const error = thrownBy(() =>
      createWebhookVerifier({ secret: SECRET, secretFormat: 'standard' }),
    ) as Error;
    expect(error.message).toMatch(/whsec_/);
    expect(error.message).toMatch(/secretFormat: 'raw'/);
  });

  it('a non-empty secret with surrounding whitespace is accepted (it might be the real key)', () => {
    expect(() => createWebhookVerifier({ secret: ' padded ' })).not.toThrow();
  });
});

describe('COMPOSIO_WEBHOOK_SECRET fallback', () => {
  const signed = headersFor(goodSignature());

  it('is used when `secret` is omitted', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    const verifier = createWebhookVerifier({ now: at(T) });
    await expect(verifier.verify(BODY, signed)).resolves.toMatchObject({ id: ID });
    await expect(
      verifyWebhook({ payload: BODY, headers: signed, now: at(T) } as Parameters<
        typeof verifyWebhook
      >[0]),
    ).resolves.toMatchObject({ id: ID });
  });

  it('is read at construction, not per request', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    const verifier = createWebhookVerifier({ now: at(T) });
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', 'changed-later');
    await expect(verifier.verify(BODY, signed)).resolves.toMatchObject({ id: ID });
  });

  it('an explicit secret wins over the variable', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', 'the-env-secret');
    const verifier = createWebhookVerifier({ secret: SECRET, now: at(T) });
    await expect(verifier.verify(BODY, signed)).resolves.toMatchObject({ id: ID });
  });

  it.each([
    ['unset', undefined, /not set/],
    ['empty', '', /empty/],
    ['whitespace', '   ', /empty/],
  ])('%s: WebhookConfigError naming the variable', (_name, value, detail) => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', value);
    expect(process.env.COMPOSIO_WEBHOOK_SECRET).toBe(value);
    const error = thrownBy(() => createWebhookVerifier()) as Error;
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(error.message).toContain('COMPOSIO_WEBHOOK_SECRET');
    expect(error.message).toMatch(detail);
    expect(() => createWebhookVerifier({})).toThrow(WebhookConfigError);
    expect(() => createWebhookVerifier({ secret: undefined })).toThrow(/COMPOSIO_WEBHOOK_SECRET/);
  });
});

describe('messages never leak the secret or the expected signature', () => {
  const SECRET_MARK = 'sk_live_Zq8Tt3M4rK9wPa7Lx2Nb';
  const BODY_MARK = 'private-body-marker-9c1e';
  const body = JSON.stringify(buildTriggerMessage({ id: ID, data: { note: BODY_MARK } }));

  function texts(error: unknown): string {
    const e = error as Error;
    return [e.message, e.stack, JSON.stringify(e), String(e)].join('\n');
  }

  function expectClean(error: unknown, ...forbidden: string[]) {
    expect(isWebhookError(error)).toBe(true);
    const all = texts(error);
    for (const value of forbidden) {
      expect(value.length).toBeGreaterThan(8);
      expect(all).not.toContain(value);
    }
  }

  it('INVALID_SIGNATURE: neither the secret, the expected nor the received signature', async () => {
    const tampered = body.replace('"note"', '"NOTE"');
    const received = hmacSignature(SECRET_MARK, ID, T, body);
    const expected = hmacSignature(SECRET_MARK, ID, T, tampered); // what the verifier computes
    const headers = headersFor(`v1,${received}`);
    for (const secret of [SECRET_MARK, ` ${SECRET_MARK} `, [`${SECRET_MARK}-new`, SECRET_MARK]]) {
      const error = await rejectionOf(verifyAt(T, tampered, headers, { secret }));
      expect(error).toMatchObject({ code: 'INVALID_SIGNATURE' });
      expectClean(error, SECRET_MARK, expected, received, BODY_MARK);
    }
  });

  it('the mismatch message helps: re-serialized body, rotation, whitespace, whsec_', async () => {
    const headers = headersFor(`v1,${hmacSignature('another', ID, T, body)}`);
    const plain = (await rejectionOf(verifyAt(T, body, headers, { secret: SECRET_MARK }))) as Error;
    expect(plain.message).toMatch(/re-serialized/);
    expect(plain.message).toMatch(/rotat/);
    const padded = (await rejectionOf(
      verifyAt(T, body, headers, { secret: ` ${SECRET_MARK}\n` }),
    )) as Error;
    expect(padded.message).toMatch(/whitespace/);
    const whsec = `whsec_${Buffer.from(SECRET_MARK).toString('base64')}`;
    const raw = (await rejectionOf(verifyAt(T, body, headers, { secret: whsec }))) as Error;
    expect(raw.message).toMatch(/secretFormat: 'standard'/);
    expectClean(raw, whsec, whsec.slice(6), SECRET_MARK);
    const standard = (await rejectionOf(
      verifyAt(T, body, headers, { secret: whsec, secretFormat: 'standard' }),
    )) as Error;
    expect(standard.message).toMatch(/secretFormat: 'raw'/);
    expectClean(standard, whsec.slice(6), SECRET_MARK);
  });

  it('other rejections and configuration errors do not carry the secret either', async () => {
    const good = hmacSignature(SECRET_MARK, ID, T, body);
    const errors = [
      await rejectionOf(
        verifyAt(T + 1000, body, headersFor(`v1,${good}`), { secret: SECRET_MARK }),
      ),
      await rejectionOf(
        verifyAt(T, body, headersFor(`v1,${good}`, { 'webhook-timestamp': 'x' }), {
          secret: SECRET_MARK,
        }),
      ),
      await rejectionOf(verifyAt(T, body, { 'webhook-id': ID }, { secret: SECRET_MARK })),
      thrownBy(() =>
        createWebhookVerifier({ secret: `whsec_${SECRET_MARK}!`, secretFormat: 'standard' }),
      ),
      thrownBy(() => createWebhookVerifier({ secret: [SECRET_MARK, ''] })),
      thrownBy(() => createWebhookVerifier({ secret: SECRET_MARK, tolerance: -5 })),
    ];
    for (const error of errors) expectClean(error, SECRET_MARK, good, BODY_MARK);
  });

  it('a payload error names the problem but does not echo the body', async () => {
    const bad = JSON.stringify({ id: ID, type: 'composio.trigger.message', data: BODY_MARK });
    const error = await rejectionOf(
      verifyAt(T, bad, headersFor(`v1,${hmacSignature(SECRET_MARK, ID, T, bad)}`), {
        secret: SECRET_MARK,
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((error as Error).message).toMatch(/metadata/);
    expect((error as Error).message).not.toContain(BODY_MARK);
    expect(JSON.stringify(error)).not.toContain(BODY_MARK);
  });
});

describe('error classes and isWebhookError', () => {
  it('has the codes and statuses of the design', () => {
    const verification = new WebhookVerificationError('INVALID_SIGNATURE', 'x');
    expect(verification).toMatchObject({ status: 401, name: 'WebhookVerificationError' });
    expect(new WebhookPayloadError('x')).toMatchObject({ status: 400, code: 'INVALID_PAYLOAD' });
    expect(new WebhookConfigError('x')).toMatchObject({ code: 'INVALID_CONFIG' });
    expect(new WebhookError('PAYLOAD_TOO_LARGE', 'x').status).toBe(413);
    expect(new WebhookError('DUPLICATE_IN_FLIGHT', 'x').status).toBe(409);
    expect(new WebhookError('HANDLER_FAILED', 'x').status).toBe(500);
    expect(new WebhookError('STORE_UNAVAILABLE', 'x').status).toBe(503);
    expect(new WebhookError('RAW_BODY_UNAVAILABLE', 'x').status).toBe(500);
    for (const code of [
      'MISSING_HEADERS',
      'INVALID_TIMESTAMP',
      'TIMESTAMP_OUT_OF_TOLERANCE',
    ] as const) {
      expect(new WebhookVerificationError(code, 'x').status).toBe(401);
    }
    expect(verification).toBeInstanceOf(Error);
    expect(verification.toJSON()).toEqual({
      name: 'WebhookVerificationError',
      code: 'INVALID_SIGNATURE',
      status: 401,
      message: 'x',
    });
  });

  it('isWebhookError is true for every class and false for look-alikes', () => {
    expect(isWebhookError(new WebhookError('HANDLER_FAILED', 'x'))).toBe(true);
    expect(isWebhookError(new WebhookPayloadError('x'))).toBe(true);
    for (const value of [
      new Error('x'),
      { code: 'INVALID_SIGNATURE', status: 401, message: 'x' },
      Object.assign(new Error('x'), { code: 'INVALID_SIGNATURE' }),
      null,
      undefined,
      'INVALID_SIGNATURE',
      401,
    ]) {
      expect(isWebhookError(value)).toBe(false);
    }
  });

  it('isWebhookError is true for an error made by another copy of the module', async () => {
    vi.resetModules();
    const copy = (await import('./errors.js')) as typeof import('./errors.js');
    expect(copy.WebhookError).not.toBe(WebhookError);
    const foreign = new copy.WebhookVerificationError('INVALID_SIGNATURE', 'x');
    expect(foreign).not.toBeInstanceOf(WebhookError);
    expect(isWebhookError(foreign)).toBe(true);
    expect(copy.isWebhookError(new WebhookPayloadError('x'))).toBe(true);
  });
});

describe('the WebCrypto path (no node:crypto)', () => {
  function withoutNodeCrypto() {
    const original = process.getBuiltinModule.bind(process);
    const stub = vi
      .spyOn(process, 'getBuiltinModule')
      .mockImplementation(((id: string) =>
        id === 'node:crypto' || id === 'crypto' ? undefined : original(id)) as typeof original);
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    return { stub, sign };
  }

  it.each(signatureVectors.map((v) => [v.name, v] as const))(
    'vector %s gives the same result',
    async (_name, vector) => {
      const { stub, sign } = withoutNodeCrypto();
      const verifier = createWebhookVerifier({
        secret: vector.secret,
        secretFormat: vector.secretFormat,
        tolerance: vector.tolerance,
        now: () => vector.now_ms,
      });
      expect(stub).toHaveBeenCalledWith('node:crypto');
      const body = Buffer.from(vector.body_base64, 'base64');
      expect(await outcome(verifier.verify(body, vector.headers))).toBe(vector.expect);
      if (vector.expect === 'valid') {
        expect(await outcome(verifier.verify(body.toString('utf8'), vector.headers))).toBe('valid');
      }
      if (vector.expect === 'valid' || vector.expect === 'INVALID_SIGNATURE') {
        expect(sign).toHaveBeenCalled();
      }
    },
  );

  it('rejects forgeries, verifies signWebhook output and other secrets', async () => {
    const { sign } = withoutNodeCrypto();
    const secrets = ['edge-secret-1', 'edge-secret-2'];
    const verifier = createWebhookVerifier({ secret: secrets, now: at(T) });
    const signed = await signWebhook({
      payload: BODY,
      secret: 'edge-secret-2',
      id: ID,
      timestamp: T,
    });
    expect(signed.headers['webhook-signature']).toBe(goodSignature(BODY, 'edge-secret-2'));
    await expect(verifier.verify(signed.body, signed.headers)).resolves.toMatchObject({ id: ID });
    await expect(
      verifier.verify(new Uint8Array(Buffer.from(signed.body)), signed.headers),
    ).resolves.toMatchObject({ id: ID });
    expect(await outcome(verifier.verify(`${signed.body} `, signed.headers))).toBe(
      'INVALID_SIGNATURE',
    );
    const forged = headersFor(goodSignature(BODY, 'attacker-secret'));
    expect(await outcome(verifier.verify(BODY, forged))).toBe('INVALID_SIGNATURE');
    const otherId = { ...signed.headers, 'webhook-id': 'msg_other' };
    expect(await outcome(verifier.verify(signed.body, otherId))).toBe('INVALID_SIGNATURE');
    expect(sign).toHaveBeenCalled();
  });

  it('crypto: "webcrypto" forces it while node:crypto is present', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const options = { secret: 'forced-webcrypto-secret', crypto: 'webcrypto' as const, now: at(T) };
    const good = headersFor(goodSignature(BODY, options.secret));
    await expect(
      verifyWebhook({ ...options, payload: BODY, headers: good }),
    ).resolves.toMatchObject({ id: ID });
    expect(sign).toHaveBeenCalled();
    const forged = headersFor(goodSignature(BODY, 'attacker'));
    expect(await outcome(verifyWebhook({ ...options, payload: BODY, headers: forged }))).toBe(
      'INVALID_SIGNATURE',
    );
    const verifier = createWebhookVerifier(options);
    sign.mockClear();
    await expect(verifier.verify(Buffer.from(BODY), good)).resolves.toMatchObject({ id: ID });
    expect(sign).toHaveBeenCalledTimes(1);
    const whsec = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const standard = createWebhookVerifier({
      secret: whsec,
      secretFormat: 'standard',
      crypto: 'webcrypto',
    });
    const signed = await signWebhook({ payload: BODY, secret: whsec, secretFormat: 'standard' });
    expect(new Webhook(whsec).verify(signed.body, signed.headers)).toEqual(JSON.parse(BODY));
    await expect(standard.verify(signed.body, signed.headers)).resolves.toMatchObject({
      version: 'V3',
    });
  });

  it('the node:crypto path does not touch WebCrypto', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const verifier = createWebhookVerifier({ secret: 'node-path-secret', now: at(T) });
    const good = headersFor(goodSignature(BODY, 'node-path-secret'));
    await expect(verifier.verify(BODY, good)).resolves.toMatchObject({ id: ID });
    expect(sign).not.toHaveBeenCalled();
  });
});
