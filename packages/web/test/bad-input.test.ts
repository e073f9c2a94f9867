/**
 * What only a Web handler meets (the conformance suite covers the rest over HTTP): a body stream
 * that errors midway, a stream past the limit without `content-length` (cancelled, never buffered
 * beyond the limit), repeated headers as fetch `Headers` joins them, other methods, a body
 * already read, and handlers that throw or return something that is not a `Response`.
 */
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { describe, expect, it } from 'vitest';
import { composioWebhook, createWebhookRouter, withComposioWebhook } from '../src/index.js';

const secret = 'web-bad-input-secret';
const URL_ = 'http://localhost/api/webhooks/composio';

function counted() {
  const ran: string[] = [];
  const router = createWebhookRouter().onAny((_event, delivery) => {
    ran.push(delivery.id);
  });
  return { ran, handler: composioWebhook({ secret, router, logger: false, bodyTimeoutMs: 500 }) };
}

/** A streamed request body (no content-length), made of `chunks`, then `end`. */
function streamed(
  chunks: Uint8Array[],
  end: 'close' | 'error' | 'never' = 'close',
): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let index = 0;
  let pulledBytes = 0;
  let wasCancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[index++];
        if (chunk) {
          pulledBytes += chunk.byteLength;
          controller.enqueue(chunk);
        } else if (end === 'error') controller.error(new Error('connection reset by peer'));
        else if (end === 'close') controller.close();
      },
      cancel() {
        wasCancelled = true;
      },
      // Nothing is pulled before the handler reads.
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulledBytes, cancelled: () => wasCancelled };
}

function post(headers: Record<string, string> | Headers, body: BodyInit | null): Request {
  return new Request(URL_, {
    method: 'POST',
    headers,
    body,
    ...(body instanceof ReadableStream && { duplex: 'half' }),
  } as RequestInit);
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('a body stream that errors midway', () => {
  it('is answered 400 INVALID_PAYLOAD; nothing was claimed, so the retry is processed', async () => {
    const { ran, handler } = counted();
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const half = bytes(signed.body.slice(0, 40));
    const broken = await handler(post(signed.headers, streamed([half], 'error').stream));
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const retry = await handler(post(signed.headers, signed.body));
    expect(retry.status).toBe(200);
    expect(ran).toEqual([signed.headers['webhook-id']]);
  });

  it('a stream that stalls is answered 408 at bodyTimeoutMs and closes the connection', async () => {
    const { handler } = counted();
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const body = streamed([bytes(signed.body.slice(0, 10))], 'never');
    const answer = await handler(post(signed.headers, body.stream));
    expect(answer.status).toBe(408);
    expect(answer.headers.get('connection')).toBe('close');
    expect(body.cancelled()).toBe(true);
  });
});

describe('streaming past maxBodyBytes without content-length', () => {
  it('is answered 413 as soon as the limit is passed, and the stream is cancelled', async () => {
    const maxBodyBytes = 64 * 1024;
    const handler = composioWebhook({
      secret,
      router: createWebhookRouter(),
      maxBodyBytes,
      logger: false,
    });
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    const body = streamed(Array.from({ length: 100 }, () => chunk));
    const request = post(signed.headers, body.stream);
    expect(request.headers.get('content-length')).toBeNull();
    const answer = await handler(request);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(answer.headers.get('connection')).toBe('close');
    expect(body.cancelled()).toBe(true);
    // Read up to the first chunk past the limit, never the whole 1.6 MB.
    expect(body.pulled()).toBeLessThanOrEqual(maxBodyBytes + chunk.byteLength);
  });

  it('a declared content-length over the limit is refused before reading', async () => {
    const handler = composioWebhook({
      secret,
      router: createWebhookRouter(),
      maxBodyBytes: 1024,
      logger: false,
    });
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const body = streamed([bytes('{')]);
    const headers = new Headers(signed.headers);
    headers.set('content-length', '5000');
    const answer = await handler(post(headers, body.stream));
    expect(answer.status).toBe(413);
    expect(body.pulled()).toBe(0);
  });
});

describe('repeated headers (fetch Headers joins them with ", ")', () => {
  it('two different webhook-ids are refused 401 MISSING_HEADERS before the body is read', async () => {
    const { ran, handler } = counted();
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const headers = new Headers(signed.headers);
    headers.append('webhook-id', 'msg_other');
    const body = streamed([bytes(signed.body)]);
    const answer = await handler(post(headers, body.stream));
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: { code: 'MISSING_HEADERS' } });
    expect(body.pulled()).toBe(0);
    expect(ran).toEqual([]);
  });

  it('the same webhook-id twice, and a second (stale) signature header, are accepted', async () => {
    const { ran, handler } = counted();
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const headers = new Headers(signed.headers);
    headers.append('webhook-id', signed.headers['webhook-id']);
    headers.append('webhook-signature', 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    const answer = await handler(post(headers, signed.body));
    expect(answer.status).toBe(200);
    expect(ran).toEqual([signed.headers['webhook-id']]);
  });
});

describe('methods and bodies', () => {
  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])(
    '%s is answered 405 with Allow: POST',
    async (method) => {
      const { handler } = counted();
      const answer = await handler(new Request(URL_, { method }));
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
    },
  );

  it('a body already read (request.json() first) is 500 RAW_BODY_UNAVAILABLE, saying why', async () => {
    const logged: string[] = [];
    const handler = composioWebhook({
      secret,
      router: createWebhookRouter(),
      logger: {
        warn: () => undefined,
        error: (text: string) => logged.push(text),
      },
    });
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const request = post(signed.headers, signed.body);
    await request.json();
    const answer = await handler(request);
    expect(answer.status).toBe(500);
    expect(await answer.json()).toMatchObject({ error: { code: 'RAW_BODY_UNAVAILABLE' } });
    expect(logged.join('\n')).toContain('request.clone()');
  });

  it('answers are JSON with the documented headers', async () => {
    const { handler } = counted();
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const answer = await handler(post(signed.headers, signed.body));
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await answer.json()).toEqual({ ok: true, id: signed.headers['webhook-id'] });
  });
});

describe('verify-only handlers that fail', () => {
  it('a throw: released (the retry runs it again) and answered 500 HANDLER_FAILED', async () => {
    let calls = 0;
    const handler = withComposioWebhook(
      () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return new Response('done', { status: 201 });
      },
      { secret, logger: false },
    );
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const failed = await handler(post(signed.headers, signed.body));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ ok: false, error: { code: 'HANDLER_FAILED' } });
    const retry = await handler(post(signed.headers, signed.body));
    expect(retry.status).toBe(201);
    expect(await retry.text()).toBe('done');
    expect(calls).toBe(2);
  });

  it('something that is not a Response: released and answered 500', async () => {
    let calls = 0;
    const handler = withComposioWebhook(
      () => {
        calls++;
        return (calls === 1 ? { status: 200 } : new Response(null, { status: 204 })) as Response;
      },
      { secret, logger: false },
    );
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    expect((await handler(post(signed.headers, signed.body))).status).toBe(500);
    expect((await handler(post(signed.headers, signed.body))).status).toBe(204);
  });

  it("the handler's Response is returned as is (status, headers, body)", async () => {
    const handler = withComposioWebhook(
      (request, delivery) =>
        Response.json(
          { type: delivery.event.type, url: request.url },
          { status: 202, headers: { 'x-handled-by': 'route' } },
        ),
      { secret, logger: false },
    );
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const answer = await handler(post(signed.headers, signed.body));
    expect(answer.status).toBe(202);
    expect(answer.headers.get('x-handled-by')).toBe('route');
    expect(await answer.json()).toEqual({ type: 'composio.trigger.message', url: URL_ });
    const copy = await handler(post(signed.headers, signed.body));
    expect(copy.status).toBe(200);
    expect(await copy.json()).toMatchObject({ duplicate: true });
  });
});
