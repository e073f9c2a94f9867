/**
 * The settle stage through the exchange in verify-only mode: the user's route answers, and its
 * answer settles the claim (2xx processed, anything else released), once.
 */
import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createExchange } from '../create-exchange.js';
import { WebhookError } from '../errors.js';
import { type ExchangeResult, type RouteAnswer } from '../exchange.js';
import { MemoryIdempotencyStore } from '../memory-store.js';
import { observeNodeResponse } from '../node.js';
import type { ReceiverOutcome } from '../outcome.js';
import { createWebhookReceiver } from '../receiver.js';
import { createWebhookRouter } from '../router.js';
import { buildTriggerMessage, signWebhook } from '../testing.js';

const secret = 'settlement-test-secret';

async function setup(route = 'the route after the middleware') {
  const outcomes: ReceiverOutcome[] = [];
  const exchange = createExchange(
    {
      secret,
      idempotency: new MemoryIdempotencyStore(),
      logger: false,
      onOutcome: (outcome) => outcomes.push(outcome),
    },
    { packageName: '@composio-webhooks/example', kind: 'route', route },
  );
  const delivery = await signWebhook({ payload: buildTriggerMessage(), secret });
  let runs = 0;
  /** Delivers the copy; the route answers as `answer` says. */
  const deliver = (answer: () => Promise<RouteAnswer>): Promise<ExchangeResult> =>
    exchange.handle({
      method: 'POST',
      headers: delivery.headers,
      body: async () => delivery.body,
      handOver: () => {
        runs++;
        return answer();
      },
    });
  return { deliver, outcomes, runs: () => runs, id: JSON.parse(delivery.body).id as string };
}

const duplicate = { type: 'respond', response: { status: 200, body: { duplicate: true } } };

describe('settle: the route answered', () => {
  it.each([200, 201, 202, 204, 299])('%i: processed, a copy is 200 duplicate', async (status) => {
    const { deliver, runs } = await setup();
    expect(await deliver(async () => status)).toEqual({ type: 'handed-over' });
    expect(await deliver(async () => 200)).toMatchObject(duplicate);
    expect(runs()).toBe(1);
  });

  it.each([199, 301, 400, 404, 500, 503])(
    '%i: HANDLER_FAILED, the claim released, the copy runs the route again',
    async (status) => {
      const { deliver, outcomes, runs } = await setup();
      expect(await deliver(async () => status)).toEqual({ type: 'handed-over' });
      const failed = outcomes.at(-1);
      expect(failed).toMatchObject({ type: 'handler-failed', code: 'HANDLER_FAILED' });
      expect(failed?.error?.message).toBe(
        `[@composio-webhooks/example] Delivery ${failed?.id} was answered ${status} by the route after the middleware; its dedupe claim was released so Composio's retry is processed. See https://github.com/composio-webhooks/composio-webhooks/blob/main/TROUBLESHOOTING.md#handler_failed`,
      );
      await deliver(async () => 200);
      expect(runs()).toBe(2);
    },
  );

  it("'closed' (the connection closed first) releases and names it", async () => {
    const { deliver, outcomes, runs } = await setup();
    await deliver(async () => 'closed');
    expect(outcomes.at(-1)?.error?.message).toMatch(
      /^\[@composio-webhooks\/example\] The connection closed before the route after the middleware answered delivery msg_/,
    );
    await deliver(async () => 200);
    expect(runs()).toBe(2);
  });

  it("'unanswered' (passed on, nothing written) is processed and answered 200 here", async () => {
    const { deliver, id } = await setup();
    expect(await deliver(async () => 'unanswered')).toEqual({
      type: 'respond',
      response: { status: 200, body: { ok: true, id } },
    });
    expect(await deliver(async () => 200)).toMatchObject(duplicate);
  });

  it('a route that throws: route-failed with the error, released', async () => {
    const { deliver, runs } = await setup();
    const thrown = new Error('route broke');
    const result = await deliver(() => Promise.reject(thrown));
    expect(result).toMatchObject({
      type: 'route-failed',
      error: thrown,
      response: { status: 500 },
    });
    await deliver(async () => 200);
    expect(runs()).toBe(2);
  });
});

describe('settle: observeNodeResponse (Node responses)', () => {
  it('settles from the status once a real HTTP response finishes', async () => {
    const { deliver, runs } = await setup();
    let observed: Promise<number | 'closed'> | undefined;
    const server = createServer((_req, res) => {
      observed = observeNodeResponse(res);
      res.statusCode = 202;
      res.end('queued');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const route = async (): Promise<RouteAnswer> => {
      await new Promise<void>((resolve, reject) => {
        httpRequest({ port, host: '127.0.0.1', method: 'POST' }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      return observed as Promise<number | 'closed'>;
    };
    expect(await deliver(route)).toEqual({ type: 'handed-over' });
    server.close();
    expect(await deliver(route)).toMatchObject(duplicate);
    expect(runs()).toBe(1);
  });

  it("'finish' settles from the status even when an in-process socket keeps writableLength (inject)", async () => {
    // light-my-request (Fastify's inject()) keeps the written bytes on its fake socket, so
    // `writableFinished` stays false although the answer was written.
    const response = Object.assign(new EventEmitter(), {
      statusCode: 201,
      writableFinished: false,
    });
    const answered = observeNodeResponse(response);
    response.emit('finish');
    response.emit('close');
    expect(await answered).toBe(201);
  });

  it('a response closed before it finished is "closed"; late events change nothing', async () => {
    const { deliver, outcomes, runs } = await setup('the route');
    const response = Object.assign(new EventEmitter(), {
      statusCode: 200,
      writableFinished: false,
    });
    const result = deliver(() => {
      const answer = observeNodeResponse(response);
      response.emit('close');
      response.emit('finish');
      return answer;
    });
    expect(await result).toEqual({ type: 'handed-over' });
    expect(outcomes.at(-1)?.error?.message).toContain(
      'The connection closed before the route answered',
    );
    expect(outcomes.filter((o) => o.type !== 'in-flight')).toHaveLength(1);
    await deliver(async () => 200);
    expect(runs()).toBe(2);
  });
});

describe('a router whose dispatch throws STORE_UNAVAILABLE (e.g. a queue that is down)', () => {
  it('answers 503 with retry-after, reports store-unavailable and releases the claim', async () => {
    const outcomes: ReceiverOutcome[] = [];
    const router = createWebhookRouter();
    let dispatched = 0;
    router.dispatch = async () => {
      dispatched++;
      throw new WebhookError('STORE_UNAVAILABLE', 'queue down', {
        cause: new Error('ECONNREFUSED'),
      });
    };
    const receiver = createWebhookReceiver({
      secret,
      router,
      logger: false,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    const delivery = await signWebhook({ payload: buildTriggerMessage(), secret });
    const response = await receiver.receive(delivery);
    expect(response).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5' },
      body: { ok: false, error: { code: 'STORE_UNAVAILABLE' } },
    });
    expect(outcomes).toMatchObject([{ type: 'store-unavailable', code: 'STORE_UNAVAILABLE' }]);
    // Released: Composio's retry is dispatched again.
    await receiver.receive(delivery);
    expect(dispatched).toBe(2);
  });
});
