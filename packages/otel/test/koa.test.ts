/**
 * The same instrumentation on another adapter (Koa 3, over real HTTP): the handler's span, and
 * in verify-only mode the next middleware's span, are children of the delivery span; metrics
 * are recorded the same way.
 */
import { createServer, type RequestListener } from 'node:http';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/koa';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookAttributes as A, WebhookMetrics as M, otelInstrumentation } from '../src/index.js';
import { listen, meters, parentOf, post, SECRET, sign, spanNamed, spans } from './support.js';

const appTracer = trace.getTracer('the-app');
let metricsOf = meters();
beforeEach(() => {
  spans.reset();
  metricsOf = meters();
});
afterEach(async () => {
  await metricsOf.shutdown();
});

async function serve(app: { callback(): RequestListener }) {
  return listen(createServer(app.callback()));
}

describe('Koa: the delivery span wraps the handlers and the route', () => {
  it('router mode: the handler span is a child; processed is counted', async () => {
    const router = createWebhookRouter().onAny(async () => {
      await appTracer.startActiveSpan('handler work', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        span.end();
      });
    });
    const app = new Koa().use(
      composioWebhook({
        secret: SECRET,
        router,
        logger: false,
        instrumentation: otelInstrumentation({ meterProvider: metricsOf.provider }),
      }),
    );
    const server = await serve(app);
    try {
      const signed = await sign(buildTriggerMessage());
      expect((await post(server.url, signed)).status).toBe(200);
      const forged = await sign(buildTriggerMessage(), { secret: 'wrong' });
      expect((await post(server.url, forged)).status).toBe(401);
    } finally {
      await server.close();
    }
    const delivery = spanNamed('process composio.trigger.message');
    expect(parentOf(spanNamed('handler work'))).toBe(delivery.spanContext().spanId);
    expect(delivery.attributes[A.OUTCOME]).toBe('processed');
    expect(spanNamed('composio.webhook').status.code).toBe(SpanStatusCode.ERROR);
    expect((await metricsOf.points(M.DELIVERIES)).map((p) => p.attributes[A.OUTCOME])).toEqual([
      'processed',
      'rejected',
    ]);
  });

  it('verify-only mode: the next middleware runs inside the delivery span', async () => {
    const app = new Koa()
      .use(
        composioWebhook({
          secret: SECRET,
          logger: false,
          instrumentation: otelInstrumentation({ meterProvider: metricsOf.provider }),
        }),
      )
      .use(async (ctx) => {
        await appTracer.startActiveSpan('route work', async (span) => {
          ctx.body = { ok: true };
          span.end();
        });
      });
    const server = await serve(app);
    try {
      expect((await post(server.url, await sign(buildTriggerMessage()))).status).toBe(200);
    } finally {
      await server.close();
    }
    const delivery = spanNamed('process composio.trigger.message');
    expect(parentOf(spanNamed('route work'))).toBe(delivery.spanContext().spanId);
  });
});
