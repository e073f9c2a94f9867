/**
 * One signed delivery as each source's event (the shapes of AWS's documented sample events),
 * base64-encoded or not, header names in any case: the same verdict everywhere, and a result in
 * the shape the source expects.
 */
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { describe, expect, it } from 'vitest';
import {
  composioWebhook,
  createWebhookRouter,
  isWebhookError,
  type LambdaHttpEvent,
  withComposioWebhook,
} from '../src/index.js';
import { lambdaEvent, SOURCES } from './support/events.js';

const secret = 'lambda-events-secret';

function receiver() {
  const seen: string[] = [];
  const handler = composioWebhook({
    secret,
    logger: false,
    router: createWebhookRouter().onTrigger('GITHUB_COMMIT_EVENT', (_event, delivery) => {
      seen.push(delivery.id);
    }),
  });
  return { handler, seen };
}

async function signedInput(payload: unknown = buildTriggerMessage()) {
  const signed = await signWebhook({ payload, secret });
  return {
    method: 'POST',
    path: '/webhooks/composio',
    headers: { ...signed.headers },
    body: signed.body,
  };
}

describe.each(SOURCES)('%s events', (source) => {
  it.each([
    ['text body, lower-case names', {}],
    ['base64 body', { base64: true }],
    ['mixed-case names', { mixedCase: true }],
    ['base64 body, mixed-case names', { base64: true, mixedCase: true }],
  ])('%s: verified, handled once, a copy is a duplicate', async (_label, shape) => {
    const { handler, seen } = receiver();
    const event = lambdaEvent(source, await signedInput(), shape);
    const first = await handler(event);
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ ok: true });
    const copy = await handler(event);
    expect(JSON.parse(copy.body)).toMatchObject({ ok: true, duplicate: true });
    expect(seen).toHaveLength(1);
  });

  it('answers in the shape of its source', async () => {
    const { handler } = receiver();
    const result = await handler(lambdaEvent(source, await signedInput()));
    expect(result.isBase64Encoded).toBe(false);
    if (source === 'alb-multi-value') {
      expect(result.headers).toBeUndefined();
      expect(result.multiValueHeaders?.['content-type']).toEqual([
        'application/json; charset=utf-8',
      ]);
    } else {
      expect(result.multiValueHeaders).toBeUndefined();
      expect(result.headers?.['content-type']).toBe('application/json; charset=utf-8');
    }
    if (source.startsWith('alb')) expect(result.statusDescription).toBe('200 OK');
    else expect(result.statusDescription).toBeUndefined();
  });

  it('a forged signature is 401, echoing neither secret nor body', async () => {
    const { handler, seen } = receiver();
    const input = await signedInput();
    input.body = input.body.replace('"', '"x');
    const result = await handler(lambdaEvent(source, input));
    expect(result.statusCode).toBe(401);
    expect(result.body).not.toContain(secret);
    expect(seen).toEqual([]);
  });

  it('a signed body that is not UTF-8 (base64-encoded bytes) is 400, never a crash', async () => {
    const { handler } = receiver();
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const signed = await signWebhook({ payload: bytes, secret });
    const event = lambdaEvent(
      source,
      { method: 'POST', path: '/', headers: signed.headers, body: bytes },
      { base64: true },
    );
    const result = await handler(event);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.code).toBe('INVALID_PAYLOAD');
  });

  it('a compressed body is 415 and another method 405 with Allow: POST', async () => {
    const { handler } = receiver();
    const input = await signedInput();
    const gzip = await handler(
      lambdaEvent(source, { ...input, headers: { ...input.headers, 'content-encoding': 'gzip' } }),
    );
    expect(gzip.statusCode).toBe(415);
    const get = await handler(lambdaEvent(source, { ...input, method: 'GET', body: '' }));
    expect(get.statusCode).toBe(405);
    const allow = get.headers?.allow ?? get.multiValueHeaders?.allow?.[0];
    expect(allow).toBe('POST');
  });
});

describe('bad input', () => {
  it('an event without a body is refused from its headers (401), without one signed it is 400', async () => {
    const { handler } = receiver();
    const unsigned = await handler({ httpMethod: 'POST', headers: {}, body: null });
    expect(unsigned.statusCode).toBe(401);
    const signed = await signWebhook({ payload: '', secret });
    const empty = await handler({ httpMethod: 'POST', headers: signed.headers, body: null });
    expect(empty.statusCode).toBe(400);
  });

  it('a body over maxBodyBytes is 413', async () => {
    const handler = composioWebhook({
      secret,
      logger: false,
      maxBodyBytes: 1024,
      router: createWebhookRouter(),
    });
    const input = await signedInput(buildTriggerMessage({ data: { blob: 'x'.repeat(2048) } }));
    expect((await handler(lambdaEvent('http-api', input))).statusCode).toBe(413);
  });

  it('an invocation that is not an HTTP event rejects with a message saying how to wire it', async () => {
    const { handler } = receiver();
    await expect(handler(null as unknown as LambdaHttpEvent)).rejects.toThrow(
      /API Gateway, a function URL or an ALB/,
    );
  });

  it('path is refused at start-up: the platform routes', () => {
    let error: unknown;
    try {
      composioWebhook({ secret, router: createWebhookRouter(), path: '/x' } as never);
    } catch (caught) {
      error = caught;
    }
    expect(isWebhookError(error) && error.code).toBe('INVALID_CONFIG');
    expect(String((error as Error).message)).toMatch(/^\[@composio-webhooks\/aws-lambda\] `path`/);
  });

  it('a router is required, and verify-only takes none', () => {
    expect(() => composioWebhook({ secret } as never)).toThrow(/needs a router/);
    expect(() =>
      withComposioWebhook(async () => ({ statusCode: 200, body: '', isBase64Encoded: false }), {
        secret,
        router: createWebhookRouter(),
      } as never),
    ).toThrow(/takes no router/);
  });
});

describe('verify-only', () => {
  it("the handler's result is the answer; non-2xx releases so the retry runs again", async () => {
    const calls: string[] = [];
    let status = 503;
    const handler = withComposioWebhook(
      async (_event, delivery) => {
        calls.push(delivery.id);
        return { statusCode: status, body: 'mine', isBase64Encoded: false };
      },
      { secret, logger: false },
    );
    const event = lambdaEvent('rest-api', await signedInput(), { mixedCase: true });
    expect(await handler(event)).toEqual({ statusCode: 503, body: 'mine', isBase64Encoded: false });
    status = 200;
    expect((await handler(event)).body).toBe('mine');
    const copy = await handler(event);
    expect(JSON.parse(copy.body)).toMatchObject({ duplicate: true });
    expect(calls).toHaveLength(2);
  });

  it('a handler that throws or returns no statusCode is answered 500 and released', async () => {
    let calls = 0;
    const handler = withComposioWebhook(
      async () => {
        calls += 1;
        return {} as never;
      },
      { secret, logger: false },
    );
    const event = lambdaEvent('http-api', await signedInput());
    expect((await handler(event)).statusCode).toBe(500);
    expect((await handler(event)).statusCode).toBe(500);
    expect(calls).toBe(2);
  });
});
