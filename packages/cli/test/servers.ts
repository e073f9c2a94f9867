/**
 * Real HTTP servers for the binary to talk to: any handler on a free loopback port, and a
 * webhook endpoint built on core's createWebhookReceiver that records what its handlers saw.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhookReceiver,
  createWebhookRouter,
  isTriggerMessage,
  type ReceiverOptions,
  type WebhookRouter,
} from '@composio-webhooks/core';

export async function serve(
  handler: RequestListener,
): Promise<{ server: Server; origin: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface HandledDelivery {
  id: string;
  type: string;
  slug: string | null;
  attempt: number | undefined;
  data: unknown;
}

export interface ReceiverServer {
  /** `<origin>/webhooks/composio`; other paths answer 404. */
  url: string;
  origin: string;
  /** What the handlers ran for, in order. */
  handled: HandledDelivery[];
  close(): Promise<void>;
}

/**
 * A webhook endpoint on core's receiver (in-memory dedupe unless `idempotency: false`). Without
 * a `router`, one handler records every delivery in `handled` (or throws `failWith`).
 */
export async function startReceiverServer(
  options: Omit<ReceiverOptions, 'router'> & { router?: WebhookRouter; failWith?: Error },
): Promise<ReceiverServer> {
  const handled: HandledDelivery[] = [];
  const recorder = createWebhookRouter().onAny((event, delivery) => {
    if (options.failWith) throw options.failWith;
    handled.push({
      id: delivery.id,
      type: event.type,
      slug: isTriggerMessage(event) ? event.metadata.trigger_slug : null,
      attempt: delivery.attempt,
      data: (event as { data?: unknown }).data,
    });
  });
  const receiver = createWebhookReceiver({
    logger: false,
    ...options,
    router: options.router ?? recorder,
  });
  const http = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (req.url !== '/webhooks/composio') {
        res.writeHead(404).end();
        return;
      }
      const answer = await receiver.receive({
        body: new Uint8Array(Buffer.concat(chunks)),
        headers: req.headers,
      });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  return {
    url: `${http.origin}/webhooks/composio`,
    origin: http.origin,
    handled,
    close: http.close,
  };
}

export interface ProxyOptions {
  /** Request headers not passed on (as a proxy that strips them would). */
  drop?: (name: string) => boolean;
  /** Answers a request itself instead of passing it on, when it returns an answer. */
  intercept?: (
    headers: IncomingHttpHeaders,
    body: Buffer,
  ) => { status: number; body: string } | undefined;
}

/** A reverse proxy in front of `origin`, for set-ups where something sits before the app. */
export async function startProxy(origin: string, options: ProxyOptions) {
  return serve(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const own = options.intercept?.(req.headers, body);
    if (own) {
      res.writeHead(own.status, { 'content-type': 'application/json' }).end(own.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      const hopByHop = name === 'host' || name === 'content-length' || name === 'connection';
      if (typeof value === 'string' && !hopByHop && !options.drop?.(name)) headers[name] = value;
    }
    const upstream = await fetch(`${origin}${req.url}`, { method: 'POST', headers, body });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(await upstream.text());
  });
}
