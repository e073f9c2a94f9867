/**
 * The exchange's `waitUntil`: on runtimes that end a request's work once it is answered (a
 * Worker's `ctx.waitUntil`), the work that goes on after a 503 at `handlerTimeoutMs` is handed
 * over, and it settles the claim (processed, or released when the late handler fails).
 */
import { describe, expect, it } from 'vitest';
import { createExchange, type ExchangeRequest } from './exchange.js';
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
