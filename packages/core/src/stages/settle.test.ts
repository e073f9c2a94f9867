import { EventEmitter } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebhookError } from './errors.js';
import { MemoryIdempotencyStore } from './idempotency.js';
import { observeNodeResponse } from './node.js';
import type { ReceiverOutcome } from './outcome.js';
import { type Acceptance, createWebhookReceiver } from './receiver.js';
import { createWebhookRouter } from './router.js';
import { buildTriggerMessage, signWebhook } from './testing.js';

const secret = 'settlement-test-secret';
type Accepted = Extract<Acceptance, { accepted: true }>;

async function setup() {
  const outcomes: ReceiverOutcome[] = [];
  const store = new MemoryIdempotencyStore();
  const receiver = createWebhookReceiver({
    secret,
    router: createWebhookRouter(),
    idempotency: store,
    logger: false,
    onOutcome: (outcome) => outcomes.push(outcome),
  });
  const delivery = await signWebhook({ payload: buildTriggerMessage(), secret });
  const accept = async () => {
    const acceptance = await receiver.accept(delivery);
    if (!acceptance.accepted) throw new Error(`not accepted: ${acceptance.response.status}`);
    return acceptance as Accepted;
  };
  return { receiver, delivery, outcomes, accept, store };
}

describe('acceptance.settle(status)', () => {
  it.each([200, 201, 202, 204, 299])('%i completes: the delivery is processed', async (status) => {
    const { receiver, delivery, accept } = await setup();
    expect((await (await accept()).settle(status)).status).toBe(200);
    expect(await receiver.accept(delivery)).toMatchObject({
      accepted: false,
      response: { status: 200, body: { duplicate: true } },
    });
  });

  it.each([199, 301, 400, 404, 500, 503])(
    '%i fails with HANDLER_FAILED and releases the claim',
    async (status) => {
      const { accept, outcomes } = await setup();
      const response = await (await accept()).settle(status, {
        packageName: '@composio-webhooks/example',
        route: 'the route after the middleware',
      });
      expect(response.status).toBe(500);
      const failed = outcomes.at(-1);
      expect(failed).toMatchObject({ type: 'handler-failed', code: 'HANDLER_FAILED' });
      expect(failed?.error?.message).toBe(
        `[@composio-webhooks/example] The route after the middleware answered ${status} for delivery ${failed?.id}; its dedupe claim was released so Composio's retry is processed. See https://github.com/composio-webhooks/composio-webhooks/blob/main/TROUBLESHOOTING.md#handler_failed`,
      );
      // Released: the retry is accepted again.
      expect((await accept()).accepted).toBe(true);
    },
  );

  it('undefined (no answer: the connection closed) fails and names it', async () => {
    const { accept, outcomes } = await setup();
    expect((await (await accept()).settle(undefined)).status).toBe(500);
    expect(outcomes.at(-1)?.error?.message).toMatch(
      /^\[@composio-webhooks\/core\] The connection closed before the route answered delivery msg_/,
    );
    expect((await accept()).accepted).toBe(true);
  });

  it('settles once: a second settle does not undo the first', async () => {
    const { receiver, delivery, accept } = await setup();
    const acceptance = await accept();
    await acceptance.settle(200);
    await acceptance.settle(500);
    expect((await receiver.accept(delivery)).accepted).toBe(false);
  });
});

describe('observeNodeResponse (Node responses)', () => {
  it('settles from the status once a real HTTP response finishes', async () => {
    const { receiver, delivery, accept } = await setup();
    const acceptance = await accept();
    const server = createServer((_req, res) => {
      observeNodeResponse(res).then((answer) =>
        acceptance.settle(answer === 'closed' ? undefined : answer, { route: 'the test route' }),
      );
      res.statusCode = 202;
      res.end('queued');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      httpRequest({ port, host: '127.0.0.1', method: 'POST' }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    server.close();
    await expect
      .poll(async () => (await receiver.accept(delivery)).accepted, { timeout: 2000 })
      .toBe(false);
  });

  it("'finish' settles from the status even when an in-process socket keeps writableLength (inject)", async () => {
    const { receiver, delivery, accept } = await setup();
    const acceptance = await accept();
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
    await acceptance.settle(201);
    expect((await receiver.accept(delivery)).accepted).toBe(false);
  });

  it('a response closed before it finished releases the claim', async () => {
    const { accept, outcomes } = await setup();
    const acceptance = await accept();
    const response = Object.assign(new EventEmitter(), {
      statusCode: 200,
      writableFinished: false,
    });
    observeNodeResponse(response).then((answer) =>
      acceptance.settle(answer === 'closed' ? undefined : answer, {
        packageName: '@composio-webhooks/test',
        route: 'the route',
      }),
    );
    response.emit('close');
    response.emit('finish'); // late events change nothing
    await expect.poll(() => outcomes.at(-1)?.type).toBe('handler-failed');
    expect(outcomes.at(-1)?.error?.message).toContain(
      'The connection closed before the route answered',
    );
    expect(outcomes.filter((o) => o.type !== 'in-flight')).toHaveLength(1);
    expect((await accept()).accepted).toBe(true);
  });
});

describe('a router whose dispatch throws STORE_UNAVAILABLE (e.g. a queue that is down)', () => {
  it('answers 503 with retry-after, reports store-unavailable and releases the claim', async () => {
    const outcomes: ReceiverOutcome[] = [];
    const router = createWebhookRouter();
    router.dispatch = async () => {
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
    expect((await receiver.accept(delivery)).accepted).toBe(true);
  });
});
