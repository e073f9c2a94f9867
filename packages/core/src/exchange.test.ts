/**
 * The exchange's `waitUntil`: on runtimes that end a request's work once it is answered (a
 * Worker's `ctx.waitUntil`), the work that goes on after a 503 at `handlerTimeoutMs` is handed
 * over, and it settles the claim (processed, or released when the late handler fails).
 */
import { describe, expect, it } from 'vitest';
import { createExchange } from './create-exchange.js';
import { type ExchangeRequest } from './exchange.js';
import { createWebhookRouter } from './router.js';
import { buildTriggerMessage, signWebhook } from './testing.js';

const secret = 'exchange-test-secret';

async function request(
  id: string,
  waitUntil?: ExchangeRequest['waitUntil'],
): Promise<ExchangeRequest> {
  const signed = await signWebhook({ payload: buildTriggerMessage({ id }), secret });
  return {
    method: 'POST',
    headers: signed.headers,
    body: async () => signed.body,
    ...(waitUntil && { waitUntil }),
  };
}

function slowExchange(outcome: 'resolve' | 'reject') {
  let finish: () => void = () => undefined;
  const router = createWebhookRouter().onAny(
    () =>
      new Promise<void>((resolve, reject) => {
        finish = outcome === 'resolve' ? resolve : () => reject(new Error('late failure'));
      }),
  );
  const exchange = createExchange(
    { secret, router, handlerTimeoutMs: 20, logger: false },
    { packageName: '@composio-webhooks/test', kind: 'route' },
  );
  return { exchange, finish: () => finish() };
}

describe('exchange: waitUntil', () => {
  it('gets the late work after a 503; once it settles, a copy is a duplicate', async () => {
    const { exchange, finish } = slowExchange('resolve');
    const kept: Promise<unknown>[] = [];
    const first = await exchange.handle(await request('msg_wait_1', (work) => kept.push(work)));
    expect(first).toMatchObject({ type: 'respond', response: { status: 503 } });
    expect(kept).toHaveLength(1);
    const copy = await exchange.handle(await request('msg_wait_1'));
    expect(copy).toMatchObject({ response: { status: 409 } });
    finish();
    await kept[0];
    const later = await exchange.handle(await request('msg_wait_1'));
    expect(later).toMatchObject({ response: { status: 200, body: { duplicate: true } } });
  });

  it('a late failure releases the claim before the kept work resolves', async () => {
    const { exchange, finish } = slowExchange('reject');
    const kept: Promise<unknown>[] = [];
    await exchange.handle(await request('msg_wait_2', (work) => kept.push(work)));
    finish();
    await expect(kept[0]).resolves.toBeUndefined();
    const retry = await exchange.handle(await request('msg_wait_2'));
    // Accepted again (not 409 in flight): the retry runs the handler, which is slow again.
    expect(retry).toMatchObject({ response: { status: 503 } });
  });

  it('is not called when the handlers answer in time', async () => {
    const exchange = createExchange(
      { secret, router: createWebhookRouter().onAny(() => undefined), logger: false },
      { packageName: '@composio-webhooks/test', kind: 'route' },
    );
    const kept: Promise<unknown>[] = [];
    const answer = await exchange.handle(await request('msg_wait_3', (work) => kept.push(work)));
    expect(answer).toMatchObject({ response: { status: 200 } });
    expect(kept).toEqual([]);
  });
});

describe('exchange: open (headers first, the body from the framework)', () => {
  const packageName = '@composio-webhooks/test';
  const handled: string[] = [];
  const refusals: string[] = [];
  const exchange = createExchange(
    {
      onRefusal: ({ error }) => void refusals.push(error.message),
      secret,
      router: createWebhookRouter().onAny((event) => void handled.push(event.id)),
      logger: false,
      maxBodyBytes: 4096,
      bodyTimeoutMs: 250,
    },
    { packageName, kind: 'route' },
  );

  it('answers from the method and headers alone, before any body', async () => {
    const notPost = exchange.open({ method: 'GET', headers: {} });
    expect(await notPost.decided).toMatchObject({
      type: 'respond',
      response: { status: 405, headers: { allow: 'POST' } },
    });
    const unsigned = exchange.open({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(await unsigned.decided).toMatchObject({
      type: 'respond',
      response: {
        status: 401,
        headers: { connection: 'close' },
        body: { error: { code: 'MISSING_HEADERS' } },
      },
    });
  });

  it('verifies and dispatches the body the framework read', async () => {
    const signed = await signWebhook({
      payload: buildTriggerMessage({ id: 'msg_open_1' }),
      secret,
    });
    const opened = exchange.open({ method: 'POST', headers: signed.headers });
    expect(opened.decided).toBeUndefined();
    expect(opened.limits).toEqual({ maxBytes: 4096, timeoutMs: 250 });
    expect(await opened.withBody(Buffer.from(signed.body))).toMatchObject({
      response: { status: 200 },
    });
    expect(handled).toContain('msg_open_1');
  });

  it("maps the framework's body failures onto core's answers", async () => {
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const failed = (error: unknown, reason?: 'too-large' | 'timeout') =>
      exchange.open({ method: 'POST', headers: signed.headers }).bodyFailed(error, reason);
    expect(await failed(new Error('FST_ERR_CTP_BODY_TOO_LARGE'), 'too-large')).toMatchObject({
      response: {
        status: 413,
        headers: { connection: 'close' },
        body: { error: { code: 'PAYLOAD_TOO_LARGE' } },
      },
    });
    expect(await failed(undefined, 'timeout')).toMatchObject({
      response: {
        status: 408,
        headers: { connection: 'close' },
        body: { error: { code: 'BODY_TIMEOUT' } },
      },
    });
    const unreadable = await failed(Object.assign(new Error('x'), { code: 'ECONNRESET' }));
    expect(unreadable).toMatchObject({
      response: { status: 400, body: { error: { code: 'INVALID_PAYLOAD' } } },
    });
    expect(unreadable.type === 'respond' && unreadable.response.headers?.connection).toBeFalsy();
    // The messages (for logs and onRefusal, not the answer) are core's, with the adapter's name.
    expect(refusals.slice(-3)).toEqual([
      expect.stringMatching(/^\[@composio-webhooks\/test\] The body is over the 4096-byte limit/),
      expect.stringMatching(/^\[@composio-webhooks\/test\] .*within bodyTimeoutMs \(250 ms\)/),
      expect.stringMatching(/^\[@composio-webhooks\/test\] Could not read the request body \(x\)/),
    ]);
  });
});
