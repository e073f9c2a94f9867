/**
 * The `logger` option takes Nest's `Logger` and Fastify's logger (pino, as Nest's Fastify
 * platform creates it) as they are: each writes the delivery's webhook id and event type as
 * structured fields. Real libraries, real output.
 */
import { Writable } from 'node:stream';
import {
  createWebhookReceiver,
  createWebhookRouter,
  type WebhookLogger,
} from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';

const secret = 'nest-logger-secret';

/** A failing handler: one error line about a verified delivery. */
async function failOnce(logger: WebhookLogger) {
  const router = createWebhookRouter().onAny(() => {
    throw new Error('handler broke');
  });
  const receiver = createWebhookReceiver({ secret, router, logger });
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
  expect((await receiver.receive(signed)).status).toBe(500);
  return signed.headers['webhook-id'];
}

afterEach(() => {
  vi.restoreAllMocks();
  Logger.overrideLogger(new ConsoleLogger());
});

describe('logger: Nest and Fastify as they are', () => {
  it("Nest's Logger (JSON console): the fields are the line's params", async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => {
      printed.push(line);
    });
    Logger.overrideLogger(new ConsoleLogger({ json: true, forceConsole: true }));
    const id = await failOnce(new Logger('Webhooks'));
    const lines = printed.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      context: 'Webhooks',
      message: expect.stringContaining('handler broke'),
      params: {
        webhookId: id,
        eventType: 'composio.trigger.message',
        code: 'HANDLER_FAILED',
        err: expect.stringContaining('Error: handler broke'),
      },
    });
  });

  it("Fastify's logger (pino, via Nest's Fastify platform): fields first, as pino expects", async () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    });
    const adapter = new FastifyAdapter({ logger: { level: 'warn', stream } });
    const id = await failOnce(adapter.getInstance().log);
    await adapter.close();
    const lines = chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: expect.stringContaining('handler broke'),
        webhookId: id,
        eventType: 'composio.trigger.message',
        code: 'HANDLER_FAILED',
        err: expect.objectContaining({ message: 'handler broke' }),
      }),
    ]);
  });
});
