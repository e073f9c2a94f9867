/**
 * Over real HTTP on Express 5, with the OpenTelemetry SDK exporting to memory: a processed
 * delivery, a duplicate, a forged one, a handler failure and a timeout each produce the span and
 * metric points the README documents, and a handler's own span is a child of the delivery span.
 */
import { createServer } from 'node:http';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import express from 'express';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookAttributes as A, WebhookMetrics as M, otelInstrumentation } from '../src/index.js';
import {
  finished,
  listen,
  meters,
  parentOf,
  post,
  SECRET,
  SpanKind,
  sign,
  spanNamed,
  spans,
} from './support.js';

const appTracer = trace.getTracer('the-app');
let release: () => void = () => undefined;
let metricsOf = meters();
let server: Awaited<ReturnType<typeof listen>>;

function app() {
  const instrumentation = () => otelInstrumentation({ meterProvider: metricsOf.provider });
  const common = { secret: SECRET, logger: false as const, handlerTimeoutMs: 100 };
  const handled: string[] = [];
  const ok = createWebhookRouter().onAny(async (event) => {
    await appTracer.startActiveSpan('handler work', async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      handled.push(event.id);
      span.end();
    });
  });
  const fail = createWebhookRouter().onAny(() => {
    throw new Error('handler broke');
  });
  const slow = createWebhookRouter().onAny(
    () => new Promise<void>((resolve) => (release = resolve)),
  );
  const application = express();
  // Per request, so each test's meter provider is the one read.
  application.post('/ok', (req, res, next) =>
    composioWebhook({ ...common, router: ok, instrumentation: instrumentation() })(req, res, next),
  );
  const okOnce = composioWebhook({ ...common, router: ok, instrumentation: otelInstrumentation() });
  application.post('/dedupe', (req, res, next) => okOnce(req, res, next));
  application.post('/fail', (req, res, next) =>
    composioWebhook({ ...common, router: fail, instrumentation: instrumentation() })(
      req,
      res,
      next,
    ),
  );
  application.post('/slow', (req, res, next) =>
    composioWebhook({ ...common, router: slow, instrumentation: instrumentation() })(
      req,
      res,
      next,
    ),
  );
  // Verify-only: the user's own route runs inside the delivery span too.
  application.post(
    '/verify-only',
    (req, res, next) =>
      composioWebhook({ ...common, instrumentation: instrumentation() })(req, res, next),
    (_req, res) => {
      appTracer.startActiveSpan('route work', (span) => {
        span.end();
        res.json({ ok: true });
      });
    },
  );
  return { application, handled };
}

let handled: string[];
beforeAll(async () => {
  const built = app();
  handled = built.handled;
  server = await listen(createServer(built.application));
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  spans.reset();
  metricsOf = meters();
});
afterEach(async () => {
  await metricsOf.shutdown();
});

describe('Express: spans and metrics per outcome', () => {
  it('a processed delivery: a CONSUMER span with the delivery attributes, the handler span inside it', async () => {
    const event = buildTriggerMessage({ slug: 'GITHUB_COMMIT_EVENT' });
    const signed = await sign(event);
    const response = await post(`${server.url}/ok`, signed, { 'x-composio-delivery-attempt': '3' });
    expect(response.status).toBe(200);
    expect(handled).toContain(event.id);

    const delivery = spanNamed('process composio.trigger.message');
    expect(delivery.kind).toBe(SpanKind.CONSUMER);
    expect(delivery.attributes).toEqual({
      [A.MESSAGING_SYSTEM]: 'composio',
      [A.MESSAGING_OPERATION_TYPE]: 'process',
      [A.MESSAGING_OPERATION_NAME]: 'process',
      [A.MESSAGING_MESSAGE_ID]: signed.headers['webhook-id'],
      [A.EVENT_TYPE]: 'composio.trigger.message',
      [A.TRIGGER_SLUG]: 'GITHUB_COMMIT_EVENT',
      [A.ATTEMPT]: 3,
      [A.VERSION]: 'V3',
      [A.OUTCOME]: 'processed',
      [A.HTTP_RESPONSE_STATUS_CODE]: 200,
    });
    expect(delivery.status.code).toBe(SpanStatusCode.UNSET);
    const work = spanNamed('handler work');
    expect(parentOf(work)).toBe(delivery.spanContext().spanId);
    expect(work.spanContext().traceId).toBe(delivery.spanContext().traceId);

    const attributes = {
      [A.OUTCOME]: 'processed',
      [A.HTTP_RESPONSE_STATUS_CODE]: 200,
      [A.EVENT_TYPE]: 'composio.trigger.message',
    };
    expect(await metricsOf.points(M.DELIVERIES)).toEqual([{ attributes, value: 1 }]);
    expect(await metricsOf.points(M.DURATION)).toEqual([{ attributes, value: { count: 1 } }]);
    expect(await metricsOf.points(M.LAG)).toEqual([
      { attributes: { [A.EVENT_TYPE]: 'composio.trigger.message' }, value: { count: 1 } },
    ]);
    expect(await metricsOf.points(M.DUPLICATES)).toEqual([]);
  });

  it('a duplicate: answered 200, outcome duplicate, counted as suppressed; handlers not run again', async () => {
    const signed = await sign(buildTriggerMessage());
    // The global meter provider is the no-op one here: only spans are read.
    expect((await post(`${server.url}/dedupe`, signed)).status).toBe(200);
    expect((await post(`${server.url}/dedupe`, signed)).status).toBe(200);
    const [first, second] = finished().filter((s) => s.name.startsWith('process '));
    expect(first?.attributes[A.OUTCOME]).toBe('processed');
    expect(second?.attributes).toMatchObject({
      [A.OUTCOME]: 'duplicate',
      [A.HTTP_RESPONSE_STATUS_CODE]: 200,
      [A.MESSAGING_MESSAGE_ID]: signed.headers['webhook-id'],
    });
    expect(second?.status.code).toBe(SpanStatusCode.UNSET);
    expect(finished().filter((s) => s.name === 'handler work')).toHaveLength(1);
  });

  it('a duplicate counts in composio.webhook.duplicates', async () => {
    const instrumentation = otelInstrumentation({ meterProvider: metricsOf.provider });
    const router = createWebhookRouter().onAny(() => undefined);
    const middleware = composioWebhook({ secret: SECRET, router, logger: false, instrumentation });
    const one = await listen(createServer(express().post('/', middleware)));
    try {
      const signed = await sign(buildTriggerMessage());
      await post(one.url, signed);
      expect((await post(one.url, signed)).status).toBe(200);
    } finally {
      await one.close();
    }
    expect(await metricsOf.points(M.DUPLICATES)).toEqual([
      {
        attributes: { [A.OUTCOME]: 'duplicate', [A.EVENT_TYPE]: 'composio.trigger.message' },
        value: 1,
      },
    ]);
    expect((await metricsOf.points(M.DELIVERIES)).map((p) => p.attributes[A.OUTCOME])).toEqual([
      'processed',
      'duplicate',
    ]);
  });

  it('a forged delivery: 401, an ERROR span with the code and no delivery attributes, a verification failure', async () => {
    const signed = await sign(buildTriggerMessage(), { secret: 'not-the-secret' });
    expect((await post(`${server.url}/ok`, signed)).status).toBe(401);
    const span = spanNamed('composio.webhook');
    expect(span.attributes).toEqual({
      [A.MESSAGING_SYSTEM]: 'composio',
      [A.MESSAGING_OPERATION_TYPE]: 'process',
      [A.MESSAGING_OPERATION_NAME]: 'process',
      [A.OUTCOME]: 'rejected',
      [A.HTTP_RESPONSE_STATUS_CODE]: 401,
      [A.ERROR_TYPE]: 'INVALID_SIGNATURE',
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'INVALID_SIGNATURE' });
    expect(await metricsOf.points(M.VERIFICATION_FAILURES)).toEqual([
      { attributes: { [A.ERROR_TYPE]: 'INVALID_SIGNATURE' }, value: 1 },
    ]);
    expect(await metricsOf.points(M.LAG)).toEqual([]);
  });

  it('a handler failure: 500, an ERROR span with the exception, counted as handler-failed', async () => {
    const signed = await sign(buildTriggerMessage());
    expect((await post(`${server.url}/fail`, signed)).status).toBe(500);
    const span = spanNamed('process composio.trigger.message');
    expect(span.attributes).toMatchObject({
      [A.OUTCOME]: 'handler-failed',
      [A.HTTP_RESPONSE_STATUS_CODE]: 500,
      [A.ERROR_TYPE]: 'HANDLER_FAILED',
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HANDLER_FAILED' });
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([
      ['exception', 'handler broke'],
    ]);
    expect(await metricsOf.points(M.DELIVERIES)).toEqual([
      {
        attributes: {
          [A.OUTCOME]: 'handler-failed',
          [A.HTTP_RESPONSE_STATUS_CODE]: 500,
          [A.EVENT_TYPE]: 'composio.trigger.message',
          [A.ERROR_TYPE]: 'HANDLER_FAILED',
        },
        value: 1,
      },
    ]);
  });

  it('a timeout: 503 and an ERROR span at the deadline; the late settlement is counted', async () => {
    const signed = await sign(buildTriggerMessage());
    expect((await post(`${server.url}/slow`, signed)).status).toBe(503);
    const span = spanNamed('process composio.trigger.message');
    expect(span.attributes).toMatchObject({
      [A.OUTCOME]: 'timed-out',
      [A.HTTP_RESPONSE_STATUS_CODE]: 503,
      [A.ERROR_TYPE]: 'HANDLER_TIMEOUT',
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(await metricsOf.points(M.LATE_SETTLEMENTS)).toEqual([]);
    release();
    await expect
      .poll(async () => metricsOf.points(M.LATE_SETTLEMENTS))
      .toEqual([
        {
          attributes: { [A.OUTCOME]: 'processed', [A.EVENT_TYPE]: 'composio.trigger.message' },
          value: 1,
        },
      ]);
    expect((await metricsOf.points(M.DELIVERIES)).map((p) => p.attributes[A.OUTCOME])).toEqual([
      'timed-out',
    ]);
  });

  it('verify-only: the user route runs inside the delivery span', async () => {
    const signed = await sign(buildTriggerMessage());
    expect((await post(`${server.url}/verify-only`, signed)).status).toBe(200);
    const delivery = spanNamed('process composio.trigger.message');
    expect(parentOf(spanNamed('route work'))).toBe(delivery.spanContext().spanId);
    expect(delivery.attributes[A.OUTCOME]).toBe('processed');
  });

  it('two instrumentations on one meter provider add up their counts', async () => {
    const router = createWebhookRouter().onAny(() => undefined);
    const application = express();
    for (const path of ['/a', '/b']) {
      const instrumentation = otelInstrumentation({ meterProvider: metricsOf.provider });
      application.post(
        path,
        composioWebhook({ secret: SECRET, router, logger: false, instrumentation }),
      );
    }
    const two = await listen(createServer(application));
    try {
      const first = await sign(buildTriggerMessage());
      expect((await post(`${two.url}/a`, first)).status).toBe(200);
      expect((await post(`${two.url}/b`, await sign(buildTriggerMessage()))).status).toBe(200);
      // The same delivery again, on the other route's own dedupe store: processed there too.
      expect((await post(`${two.url}/b`, first)).status).toBe(200);
      expect((await post(`${two.url}/a`, first)).status).toBe(200);
    } finally {
      await two.close();
    }
    const attributes = {
      [A.OUTCOME]: 'processed',
      [A.HTTP_RESPONSE_STATUS_CODE]: 200,
      [A.EVENT_TYPE]: 'composio.trigger.message',
    };
    expect(await metricsOf.points(M.DELIVERIES)).toEqual([
      { attributes, value: 3 },
      { attributes: { ...attributes, [A.OUTCOME]: 'duplicate' }, value: 1 },
    ]);
    expect(await metricsOf.points(M.DURATION)).toEqual([
      { attributes, value: { count: 3 } },
      { attributes: { ...attributes, [A.OUTCOME]: 'duplicate' }, value: { count: 1 } },
    ]);
  });

  it('continues a trace from an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929b0e0e4736';
    const signed = await sign(buildTriggerMessage());
    await post(`${server.url}/ok`, signed, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const span = spanNamed('process composio.trigger.message');
    expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(span)).toBe('00f067aa0ba902b7');
  });

  it('never records the body, the secret or the headers', async () => {
    const event = buildTriggerMessage({ data: { note: 'a-very-private-body-value' } });
    const signed = await sign(event);
    await post(`${server.url}/ok`, signed);
    await post(`${server.url}/fail`, await sign(event));
    const recorded = JSON.stringify(
      finished().map((s) => [s.name, s.attributes, s.events, s.status]),
    );
    expect(recorded).not.toContain('a-very-private-body-value');
    expect(recorded).not.toContain(SECRET);
    expect(recorded).not.toContain(signed.headers['webhook-signature']);
  });
});
