import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hmacSignature, type SignatureVector, signatureVectors } from '../test/support.js';
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
import { signWebhook } from './sign.js';
import { buildTriggerMessage } from './testing.js';
import { createWebhookVerifier, type VerifierOptions, verifyWebhook } from './verifier.js';

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
