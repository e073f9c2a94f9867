import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hmacSignature, rejectionOf, signatureVectors, thrownBy } from '../test/support.js';
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
import {
  isWebhookError,
  WEBHOOK_ERROR_STATUS,
  WebhookConfigError,
  WebhookError,
  WebhookPayloadError,
  WebhookVerificationError,
} from './errors.js';
import { signWebhook } from './sign.js';
import { buildTriggerMessage } from './testing.js';
import { createWebhookVerifier, type VerifierOptions, verifyWebhook } from './verifier.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
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

  it('without process.env (a Worker without nodejs_compat), says to pass `secret` from env', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process') as PropertyDescriptor;
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
    let error: unknown;
    try {
      error = thrownBy(() => createWebhookVerifier());
    } finally {
      Object.defineProperty(globalThis, 'process', descriptor);
    }
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect((error as Error).message).toMatch(
      /^\[@composio-webhooks\/core\] No webhook secret: this runtime has no process\.env to read COMPOSIO_WEBHOOK_SECRET from, so pass `secret`\. In a Cloudflare Worker, build the handler from the Worker's env once: handler \?\?= composioWebhook\(\{ router, secret: env\.COMPOSIO_WEBHOOK_SECRET \}\)\. See /,
    );
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
      message:
        'x See https://github.com/composio-webhooks/composio-webhooks/blob/main/TROUBLESHOOTING.md#invalid_signature',
    });
    expect(verification.docs).toBe(
      'https://github.com/composio-webhooks/composio-webhooks/blob/main/TROUBLESHOOTING.md#invalid_signature',
    );
  });

  it('every code has its section in TROUBLESHOOTING.md', () => {
    const doc = readFileSync(new URL('../../../TROUBLESHOOTING.md', import.meta.url), 'utf8');
    for (const code of Object.keys(WEBHOOK_ERROR_STATUS)) {
      expect(doc, code).toContain(`\n## ${code.toLowerCase()}\n`);
    }
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

  it("a getBuiltinModule that throws (Next.js's Edge runtime stub) means WebCrypto", async () => {
    const stub = vi.spyOn(process, 'getBuiltinModule').mockImplementation(() => {
      throw new Error('A Node.js API is used (process.getBuiltinModule) which is not supported');
    });
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    const verifier = createWebhookVerifier({ secret: SECRET, now: at(T) });
    expect(stub).toHaveBeenCalled();
    await expect(verifier.verify(BODY, headersFor(goodSignature()))).resolves.toMatchObject({
      id: ID,
    });
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
