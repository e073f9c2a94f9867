/**
 * Property tests: every delivery signed by `signWebhook` verifies; flipping any byte of the body,
 * the id, the timestamp or the signature is rejected with the code that fits the change.
 */
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { loadPayload } from '../test/support.js';
import { isWebhookError } from './errors.js';
import type { CryptoBackend } from './hmac.js';
import type { SecretFormat } from './secrets.js';
import { signWebhook } from './sign.js';
import { createWebhookVerifier, type VerifierOptions } from './verifier.js';

const TOLERANCE = 300;

interface Secret {
  secret: string;
  secretFormat: SecretFormat;
}

const rawSecret: fc.Arbitrary<Secret> = fc
  .string({ minLength: 1, maxLength: 48, unit: 'binary' })
  .filter((s) => s.trim() !== '')
  .map((secret) => ({ secret, secretFormat: 'raw' }));
const standardSecret: fc.Arbitrary<Secret> = fc
  .uint8Array({ minLength: 1, maxLength: 64 })
  .map((bytes) => ({
    secret: `whsec_${Buffer.from(bytes).toString('base64')}`,
    secretFormat: 'standard',
  }));
const secretArb = fc.oneof(rawSecret, standardSecret);

/**
 * Message ids: `msg_<uuid>` as Composio sends, or any token of the header-safe alphabet; ids are
 * opaque, so commas too.
 */
const idArb = fc.oneof(
  fc.uuid().map((uuid) => `msg_${uuid}`),
  fc.stringMatching(/^[A-Za-z0-9_.:,-]{1,64}$/),
);
/** Unix seconds, from one digit to year ~5000. */
const timestampArb = fc.integer({ min: 1, max: 99_999_999_999 });
/** Where the verifier's clock stands, in ms, relative to the timestamp: inside the tolerance. */
const skewArb = fc.integer({ min: -TOLERANCE * 1000, max: TOLERANCE * 1000 });
const dataArb = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 6,
});
const payloadKind = fc.constantFrom('string', 'buffer', 'uint8array');
const indentArb = fc.constantFrom(0, 2);

/**
 * A real V3 trigger message body (the reference payload) with the given id and data, with or
 * without a leading UTF-8 BOM (signed as sent, not JSON: dropped before parsing).
 */
function bodyOf(id: string, data: unknown, indent: number, bom: boolean): string {
  const json = JSON.stringify(
    { ...loadPayload('v3-trigger-message.json'), id, data },
    null,
    indent,
  );
  return bom ? `\uFEFF${json}` : json;
}

/** The JSON a body holds (without its BOM). */
const jsonOf = (body: string) => JSON.parse(body.replace(/^\uFEFF/, ''));

function asPayload(body: string | Uint8Array, kind: string): string | Uint8Array {
  if (kind === 'string') return typeof body === 'string' ? body : Buffer.from(body).toString();
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  return kind === 'buffer' ? bytes : new Uint8Array(bytes);
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    return typeof value === 'string' ? value : 'valid';
  } catch (error) {
    if (!isWebhookError(error)) throw error;
    return error.code;
  }
}

/** Replaces the character (one header byte, Latin-1) at `index` by itself XOR `mask`. */
function flipChar(text: string, index: number, mask: number): string {
  const i = index % text.length;
  return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ mask) + text.slice(i + 1);
}

/**
 * The non-empty copies in a header value: a comma followed by a space or tab separates copies
 * (what Node's `req.headers` and fetch `Headers` produce for repeated headers); a bare comma is
 * part of the value; surrounding whitespace is not.
 */
function listItems(value: string): string[] {
  return value
    .split(/,[ \t]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** The code a tampered `webhook-id` must give. */
function expectedForId(id: string): string {
  const items = new Set(listItems(id));
  // Two different copies in one request (or none at all) cannot be the delivery's id.
  if (items.size !== 1) return 'MISSING_HEADERS';
  return 'INVALID_SIGNATURE';
}

/** The code a tampered `webhook-timestamp` must give, with the clock at `nowMs`. */
function expectedForTimestamp(text: string, nowMs: number): string {
  const items = new Set(listItems(text));
  if (items.size > 1) return 'MISSING_HEADERS'; // two different timestamps
  const [value = ''] = items;
  if (!/^\d{1,15}$/.test(value)) return 'INVALID_TIMESTAMP'; // no longer digits
  const seconds = Number(value);
  const now = nowMs / 1000;
  if (seconds < now - TOLERANCE || seconds > now + TOLERANCE) return 'TIMESTAMP_OUT_OF_TOLERANCE';
  return 'INVALID_SIGNATURE'; // a plausible time, but not the signed one
}

function keyBytesOf({ secret, secretFormat }: Secret): Buffer {
  return secretFormat === 'raw'
    ? Buffer.from(secret, 'utf8')
    : Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/**
 * HMAC pads keys up to the 64-byte block with zeros, so `k` and `k + "\0"` are the same key (and
 * a raw secret can equal a `whsec_` one byte for byte): such pairs are not "a different secret".
 */
function hmacEquivalent(a: Buffer, b: Buffer): boolean {
  if (a.length > 64 || b.length > 64) return a.equals(b);
  const trim = (key: Buffer) => {
    let end = key.length;
    while (end > 0 && key[end - 1] === 0) end--;
    return key.subarray(0, end);
  };
  return trim(a).equals(trim(b));
}

const deliveryArb = fc.record({
  key: secretArb,
  id: idArb,
  timestamp: timestampArb,
  skew: skewArb,
  data: dataArb,
  indent: indentArb,
  bom: fc.boolean(),
  kind: payloadKind,
});

type DeliveryInput = typeof deliveryArb extends fc.Arbitrary<infer T> ? T : never;

async function signedDelivery(
  { key, id, timestamp, data, indent, bom }: DeliveryInput,
  crypto?: CryptoBackend,
) {
  const body = bodyOf(id, data, indent, bom);
  const signed = await signWebhook({ ...key, payload: body, id, timestamp, crypto });
  expect(signed.body).toBe(body);
  return signed;
}

/** A verifier of `input`'s key with the clock at its signing time plus its skew. */
function verifierAt(input: DeliveryInput, extra: Partial<VerifierOptions> = {}) {
  return createWebhookVerifier({
    ...input.key,
    now: () => input.timestamp * 1000 + input.skew,
    ...extra,
  });
}

describe('valid deliveries are always accepted', () => {
  it('anything signed by signWebhook verifies, with the delivery intact (node:crypto)', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, async (input) => {
        const { body, headers } = await signedDelivery(input);
        const verifier = verifierAt(input);
        const delivery = await verifier.verify(asPayload(body, input.kind), headers);
        expect(delivery.id).toBe(input.id);
        expect(delivery.timestamp).toBe(input.timestamp);
        expect(delivery.version).toBe('V3');
        expect(delivery.raw).toEqual(jsonOf(body));
        expect(delivery.event.data).toEqual(jsonOf(body).data);
      }),
      { numRuns: 300 },
    );
  });

  it('the same through WebCrypto, signed and verified', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, async (input) => {
        const { body, headers } = await signedDelivery(input, 'webcrypto');
        const verifier = verifierAt(input, { crypto: 'webcrypto' });
        const delivery = await verifier.verify(asPayload(body, input.kind), headers);
        expect(delivery.id).toBe(input.id);
        expect(delivery.raw).toEqual(jsonOf(body));
      }),
      { numRuns: 100 },
    );
  });

  it('a rotation list accepts a delivery signed with any of its secrets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(rawSecret, { minLength: 1, maxLength: 4, selector: (k) => k.secret }),
        fc.nat(),
        deliveryArb,
        async (keys, pick, input) => {
          const key = keys[pick % keys.length] as Secret;
          const { body, headers } = await signedDelivery({ ...input, key });
          const verifier = createWebhookVerifier({
            secret: keys.map((k) => k.secret),
            now: () => input.timestamp * 1000 + input.skew,
          });
          await expect(verifier.verify(body, headers)).resolves.toMatchObject({ id: input.id });
        },
      ),
    );
  });

  it('signWebhook and standardwebhooks compute the same signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        idArb,
        timestampArb,
        fc.string({ maxLength: 200, unit: 'binary' }),
        async (key, id, timestamp, body) => {
          const ours = await signWebhook({ ...key, payload: body, id, timestamp });
          const oracle =
            key.secretFormat === 'standard'
              ? new Webhook(key.secret)
              : new Webhook(new TextEncoder().encode(key.secret) as unknown as string, {
                  format: 'raw',
                });
          expect(ours.headers['webhook-signature']).toBe(
            oracle.sign(id, new Date(timestamp * 1000), body),
          );
        },
      ),
    );
  });
});

describe('flipping any byte is rejected with the right code', () => {
  const flipArb = fc.record({ index: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) });

  it('body → INVALID_SIGNATURE', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, flipArb, async (input, { index, mask }) => {
        const { body, headers } = await signedDelivery(input);
        const bytes = Buffer.from(body, 'utf8');
        bytes[index % bytes.length] = (bytes[index % bytes.length] as number) ^ mask;
        const verifier = verifierAt(input);
        expect(await outcome(verifier.verify(asPayload(bytes, input.kind), headers))).toBe(
          'INVALID_SIGNATURE',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('body through WebCrypto → INVALID_SIGNATURE', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, flipArb, async (input, { index, mask }) => {
        const { body, headers } = await signedDelivery(input);
        const bytes = Buffer.from(body, 'utf8');
        bytes[index % bytes.length] = (bytes[index % bytes.length] as number) ^ mask;
        const verifier = verifierAt(input, { crypto: 'webcrypto' });
        expect(await outcome(verifier.verify(bytes, headers))).toBe('INVALID_SIGNATURE');
      }),
      { numRuns: 100 },
    );
  });

  it('id → INVALID_SIGNATURE (MISSING_HEADERS only when the flip makes ", "-joined copies of two ids)', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, flipArb, async (input, { index, mask }) => {
        const { body, headers } = await signedDelivery(input);
        const id = flipChar(headers['webhook-id'], index, mask);
        const verifier = verifierAt(input);
        const result = await outcome(
          verifier.verify(asPayload(body, input.kind), { ...headers, 'webhook-id': id }),
        );
        expect(result).toBe(expectedForId(id));
      }),
      { numRuns: 300 },
    );
  });

  it('timestamp → INVALID_TIMESTAMP, TIMESTAMP_OUT_OF_TOLERANCE or INVALID_SIGNATURE', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(deliveryArb, flipArb, async (input, { index, mask }) => {
        const { body, headers } = await signedDelivery(input);
        const timestamp = flipChar(headers['webhook-timestamp'], index, mask);
        const nowMs = input.timestamp * 1000 + input.skew;
        const verifier = createWebhookVerifier({ ...input.key, now: () => nowMs });
        const result = await outcome(
          verifier.verify(asPayload(body, input.kind), {
            ...headers,
            'webhook-timestamp': timestamp,
          }),
        );
        const expected = expectedForTimestamp(timestamp, nowMs);
        seen.add(expected);
        expect(result).toBe(expected);
      }),
      { numRuns: 500 },
    );
    // The property exercised each outcome, not only the easy one.
    for (const code of ['INVALID_TIMESTAMP', 'TIMESTAMP_OUT_OF_TOLERANCE', 'INVALID_SIGNATURE']) {
      expect(seen).toContain(code);
    }
  });

  it('a digit changed to another digit: out of tolerance or INVALID_SIGNATURE', async () => {
    await fc.assert(
      fc.asyncProperty(
        deliveryArb,
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        async (input, index, delta) => {
          const { body, headers } = await signedDelivery(input);
          const text = headers['webhook-timestamp'];
          const i = index % text.length;
          const digit = (Number(text[i]) + delta) % 10;
          const timestamp = text.slice(0, i) + digit + text.slice(i + 1);
          const nowMs = input.timestamp * 1000 + input.skew;
          const verifier = createWebhookVerifier({ ...input.key, now: () => nowMs });
          const result = await outcome(
            verifier.verify(body, { ...headers, 'webhook-timestamp': timestamp }),
          );
          const off = Math.abs(Number(timestamp) - nowMs / 1000) > TOLERANCE;
          expect(result).toBe(off ? 'TIMESTAMP_OUT_OF_TOLERANCE' : 'INVALID_SIGNATURE');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('signature → INVALID_SIGNATURE, whichever byte of the header', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, flipArb, async (input, { index, mask }) => {
        const { body, headers } = await signedDelivery(input);
        const signature = flipChar(headers['webhook-signature'], index, mask);
        const verifier = verifierAt(input);
        const result = await outcome(
          verifier.verify(asPayload(body, input.kind), {
            ...headers,
            'webhook-signature': signature,
          }),
        );
        expect(result).toBe('INVALID_SIGNATURE');
      }),
      { numRuns: 500 },
    );
  });

  it('every byte of the signature header, exhaustively, for one delivery', async () => {
    const input = fc.sample(deliveryArb, { seed: 42, numRuns: 1 })[0] as DeliveryInput;
    const { body, headers } = await signedDelivery(input);
    const verifier = verifierAt(input);
    const value = headers['webhook-signature'];
    for (let index = 0; index < value.length; index++) {
      for (let mask = 1; mask < 256; mask++) {
        const signature = flipChar(value, index, mask);
        const result = await outcome(
          verifier.verify(body, { ...headers, 'webhook-signature': signature }),
        );
        if (result !== 'INVALID_SIGNATURE') {
          throw new Error(`${JSON.stringify(signature)} gave ${result}`);
        }
      }
    }
  });

  it('a different secret → INVALID_SIGNATURE', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, secretArb, async (input, other) => {
        fc.pre(!hmacEquivalent(keyBytesOf(other), keyBytesOf(input.key)));
        const { body, headers } = await signedDelivery(input);
        const verifier = createWebhookVerifier({
          ...other,
          now: () => input.timestamp * 1000 + input.skew,
        });
        expect(await outcome(verifier.verify(body, headers))).toBe('INVALID_SIGNATURE');
      }),
    );
  });
});

describe('every header shape gives the same answer', () => {
  // A plain lower-case record takes a fast path; an object with get() (like fetch Headers) always
  // takes the general one. For any header values, both must agree.
  const fragment = (alphabet: string) =>
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 8 });

  it('a plain record and the same values behind get() verify alike', async () => {
    const input = fc.sample(deliveryArb, { seed: 7, numRuns: 1 })[0] as DeliveryInput;
    const { body, headers } = await signedDelivery(input);
    const verifier = verifierAt(input);
    const id = headers['webhook-id'];
    const ts = headers['webhook-timestamp'];
    const sig = headers['webhook-signature'];
    const around = (value: string) =>
      fc.tuple(fragment(' ,\t'), fc.constant(value), fragment(' ,\t')).map((p) => p.join(''));
    const idArb = fc.oneof(fc.constant(id), around(id), fragment(`ab,\t ${id.slice(0, 3)}`));
    const tsArb = fc.oneof(
      fc.constant(ts),
      around(ts),
      fc.constant(String(input.timestamp + 1)),
      fragment('0123456789 ,.-+e'),
    );
    const sigArb = fc.oneof(
      fc.constant(sig),
      around(sig),
      fc.constant(`v1a,${sig.slice(3)} ${sig}`),
      fc.constant(`${sig.slice(0, -1)}`),
      fc.constant(`v1,${sig.slice(3).replace(/=$/, '')}`),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([i, m]) => flipChar(sig, i, m)),
      fragment('v1,AQ= '),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.option(idArb, { nil: undefined }),
        fc.option(tsArb, { nil: undefined }),
        fc.option(sigArb, { nil: undefined }),
        fc.option(fc.oneof(fc.constant('2'), around('3'), fragment('12 ,-')), { nil: undefined }),
        async (webhookId, timestamp, signature, attempt) => {
          const record: Record<string, string> = {};
          if (webhookId !== undefined) record['webhook-id'] = webhookId;
          if (timestamp !== undefined) record['webhook-timestamp'] = timestamp;
          if (signature !== undefined) record['webhook-signature'] = signature;
          if (attempt !== undefined) record['x-composio-delivery-attempt'] = attempt;
          const viaGet = { get: (name: string) => record[name] ?? null };
          const attemptOf = (delivery: { attempt?: number }) =>
            `valid, attempt ${delivery.attempt}`;
          const fast = await outcome(verifier.verify(body, record).then(attemptOf));
          const general = await outcome(verifier.verify(body, viaGet).then(attemptOf));
          expect(fast).toBe(general);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
