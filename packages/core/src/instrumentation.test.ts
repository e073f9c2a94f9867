/** The instrumentation hooks: one scope per request, handlers inside it, the outcome at the end. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createExchange } from './create-exchange.js';
import type { WebhookInstrumentation } from './instrumentation.js';
import type { ReceiverOutcome } from './outcome.js';
import { createWebhookReceiver } from './receiver.js';
import { createWebhookRouter } from './router.js';
import { buildTriggerMessage, signWebhook } from './testing.js';

const secret = 'instrumentation-secret';

function recording() {
  const storage = new AsyncLocalStorage<string>();
  const events: string[] = [];
  const outcomes: ReceiverOutcome[] = [];
  let requests = 0;
  const instrumentation: WebhookInstrumentation = {
    onRequest() {
      const name = `request-${++requests}`;
      events.push(`${name}:start`);
      return {
        onDelivery: (delivery) => events.push(`${name}:delivery:${delivery.event.type}`),
        wrap: (run) => storage.run(name, run),
        onOutcome: (outcome) => {
          events.push(`${name}:outcome:${outcome.type}${outcome.late ? ':late' : ''}`);
          outcomes.push(outcome);
        },
      };
    },
  };
  return { storage, events, outcomes, instrumentation };
}

describe('instrumentation', () => {
  it('wraps the handlers in the request scope and reports each outcome once', async () => {
    const { storage, events, instrumentation } = recording();
    const seen: Array<string | undefined> = [];
    const router = createWebhookRouter().onAny(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(storage.getStore());
    });
    const receiver = createWebhookReceiver({ secret, router, instrumentation, logger: false });
    const delivery = await signWebhook({ payload: buildTriggerMessage(), secret });
    expect((await receiver.receive(delivery)).status).toBe(200);
    expect((await receiver.receive(delivery)).status).toBe(200);
    const forged = await signWebhook({ payload: buildTriggerMessage(), secret: 'other' });
    expect((await receiver.receive(forged)).status).toBe(401);
    expect(seen).toEqual(['request-1']);
    expect(events).toEqual([
      'request-1:start',
      'request-1:delivery:composio.trigger.message',
      'request-1:outcome:processed',
      'request-2:start',
      'request-2:delivery:composio.trigger.message',
      'request-2:outcome:duplicate',
      'request-3:start',
      'request-3:outcome:rejected',
    ]);
  });

  it('opens the scope before the body is read and sees header-first refusals and late outcomes', async () => {
    const { events, instrumentation } = recording();
    let finish: () => void = () => undefined;
    const router = createWebhookRouter().onAny(
      () => new Promise<void>((resolve) => (finish = resolve)),
    );
    const exchange = createExchange(
      { secret, router, instrumentation, logger: false, handlerTimeoutMs: 20 },
      { packageName: 'test', kind: 'route' },
    );
    const bodyRead: string[] = [];
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const request = (headers: Record<string, string>) => ({
      method: 'POST',
      headers,
      body: async () => {
        bodyRead.push('read');
        return signed.body;
      },
    });
    const refused = await exchange.handle(request({}));
    expect(refused).toMatchObject({ type: 'respond', response: { status: 401 } });
    expect(bodyRead).toEqual([]);
    const timedOut = await exchange.handle(request(signed.headers));
    expect(timedOut).toMatchObject({ type: 'respond', response: { status: 503 } });
    finish();
    await expect.poll(() => events.at(-1)).toBe('request-2:outcome:processed:late');
    expect(events).toEqual([
      'request-1:start',
      'request-1:outcome:rejected',
      'request-2:start',
      'request-2:delivery:composio.trigger.message',
      'request-2:outcome:timed-out',
      'request-2:outcome:processed:late',
    ]);
  });

  it('a throwing instrumentation never changes the answer', async () => {
    const receiver = createWebhookReceiver({
      secret,
      router: createWebhookRouter(),
      logger: false,
      instrumentation: {
        onRequest: () => ({
          onOutcome: () => {
            throw new Error('exporter down');
          },
        }),
      },
    });
    const delivery = await signWebhook({ payload: buildTriggerMessage(), secret });
    expect((await receiver.receive(delivery)).status).toBe(200);
  });
});
