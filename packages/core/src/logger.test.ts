/**
 * `logger` takes console, pino and winston as they are: each real library writes the
 * delivery's webhook id and event type as structured fields.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import { createWebhookLog } from './logger.js';
import { createWebhookReceiver } from './receiver.js';
import { createWebhookRouter } from './router.js';
import { buildTriggerMessage, signWebhook } from './testing.js';

const secret = 'logger-test-secret';

/** A stream that keeps every line written to it. */
function lines(): { stream: Writable; records: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    records: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A failing handler (an error line) and a forged delivery (a warning line). */
async function failAndForge(logger: Parameters<typeof createWebhookReceiver>[0]['logger']) {
  const router = createWebhookRouter().onAny(() => {
    throw new Error('handler broke');
  });
  const receiver = createWebhookReceiver({ secret, router, logger });
  const payload = buildTriggerMessage();
  const signed = await signWebhook({ payload, secret });
  const delivery = {
    body: signed.body,
    headers: { ...signed.headers, 'x-composio-delivery-attempt': '2' },
  };
  expect((await receiver.receive(delivery)).status).toBe(500);
  const forged = await signWebhook({ payload: buildTriggerMessage(), secret: 'not-the-secret' });
  expect((await receiver.receive(forged)).status).toBe(401);
  return { id: delivery.headers['webhook-id'], forgedId: forged.headers['webhook-id'] };
}

describe('logger: real libraries as they are', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('pino: fields first, message second (what pino and Fastify expect)', async () => {
    const out = lines();
    const logger = pino({ base: null, timestamp: false }, out.stream);
    const { id, forgedId } = await failAndForge(logger);
    const [failure, forged] = out.records();
    expect(failure).toMatchObject({
      level: 50,
      msg: expect.stringContaining('handler broke'),
      webhookId: id,
      eventType: 'composio.trigger.message',
      attempt: 2,
      code: 'HANDLER_FAILED',
      err: { type: 'Error', message: 'handler broke', stack: expect.stringContaining('Error') },
    });
    expect(forged).toMatchObject({
      level: 40,
      webhookId: forgedId,
      code: 'INVALID_SIGNATURE',
      msg: expect.stringContaining('No signature matched'),
    });
    expect(JSON.stringify(out.records())).not.toContain(secret);
  });

  it('pino child loggers (as Fastify hands out per request) are detected too', () => {
    const out = lines();
    const log = createWebhookLog(
      pino({ base: null, timestamp: false }, out.stream).child({ reqId: 'r1' }),
    );
    log?.warn('careful', { webhookId: 'msg_1', eventType: 'composio.trigger.message' });
    expect(out.records()).toEqual([
      {
        level: 40,
        reqId: 'r1',
        webhookId: 'msg_1',
        eventType: 'composio.trigger.message',
        msg: 'careful',
      },
    ]);
  });

  it('winston: message first, fields as metadata', async () => {
    const out = lines();
    const logger = winston.createLogger({
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream: out.stream })],
    });
    const { id, forgedId } = await failAndForge(logger);
    const [failure, forged] = out.records();
    expect(failure).toMatchObject({
      level: 'error',
      message: expect.stringContaining('handler broke'),
      webhookId: id,
      eventType: 'composio.trigger.message',
      attempt: 2,
      code: 'HANDLER_FAILED',
    });
    expect(forged).toMatchObject({ level: 'warn', webhookId: forgedId, code: 'INVALID_SIGNATURE' });
    expect(JSON.stringify(out.records())).not.toContain(secret);
  });

  it('console (the default): message first, then the fields object', async () => {
    const errors: unknown[][] = [];
    const warnings: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args);
    });
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      warnings.push(args);
    });
    const { id, forgedId } = await failAndForge(undefined);
    expect(errors).toEqual([
      [
        expect.stringContaining('handler broke'),
        {
          webhookId: id,
          eventType: 'composio.trigger.message',
          attempt: 2,
          code: 'HANDLER_FAILED',
          err: expect.objectContaining({ message: 'handler broke' }),
        },
      ],
    ]);
    expect(warnings).toEqual([
      // The webhook-id as sent: the delivery is not verified, but the line can be found by it.
      [
        expect.stringContaining('No signature matched'),
        { webhookId: forgedId, code: 'INVALID_SIGNATURE' },
      ],
    ]);
  });

  it('false is silence; a line without fields is the message alone', () => {
    expect(createWebhookLog(false)).toBeUndefined();
    const calls: unknown[][] = [];
    const log = createWebhookLog({
      warn: (...args: unknown[]) => calls.push(args),
      error: (...args: unknown[]) => calls.push(args),
    });
    log?.warn('plain', {});
    log?.error('plain', { webhookId: undefined });
    expect(calls).toEqual([['plain'], ['plain']]);
  });
});
