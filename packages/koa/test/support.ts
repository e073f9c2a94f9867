/**
 * Shared test set-up: both Koa majors, a recording router, and a signed POST helper that sends
 * the exact signed bytes over real HTTP (supertest against `app.callback()`).
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhookRouter,
  type WebhookDelivery,
  WebhookEventType,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { type SignedWebhook, signerFor } from '@composio-webhooks/core/testing';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import request from 'supertest';

export const SECRET = 'koa-adapter-test-secret';
export const WEBHOOK_PATH = '/webhooks/composio';

export type KoaClass = typeof Koa3;

/** The same suites run on both majors. */
export const KOA_VERSIONS: ReadonlyArray<{ name: string; Koa: KoaClass; major: number }> = [
  { name: 'koa 2', Koa: Koa2 as KoaClass, major: 2 },
  { name: 'koa 3', Koa: Koa3, major: 3 },
];

export interface HandledRecord {
  handler: string;
  id: string;
  type: string;
  slug?: string;
  version: string;
}

/** A router with one handler per event type, each recording what it received. */
export function recordingRouter(): { router: WebhookRouter; handled: HandledRecord[] } {
  const handled: HandledRecord[] = [];
  const record = (handler: string) => (event: { type: string }, delivery: WebhookDelivery) => {
    const slug =
      event.type === WebhookEventType.TRIGGER_MESSAGE
        ? (delivery.event as { metadata: { trigger_slug: string } }).metadata.trigger_slug
        : undefined;
    handled.push({
      handler,
      id: delivery.id,
      type: event.type,
      version: delivery.version,
      ...(slug !== undefined && { slug }),
    });
  };
  const router = createWebhookRouter()
    .onTrigger('GITHUB_COMMIT_EVENT', record('github-commit'))
    .on(WebhookEventType.TRIGGER_MESSAGE, record('trigger-message'))
    .on(WebhookEventType.CONNECTION_EXPIRED, record('connection-expired'))
    .on(WebhookEventType.TRIGGER_DISABLED, record('trigger-disabled'))
    .onUnknown(record('unknown'));
  return { router, handled };
}

/** Signs with the suites' secret (core's testing kit). */
export const sign = signerFor(SECRET);

/**
 * POSTs the signed body byte for byte with its headers. A string is sent as it is (superagent
 * would JSON-serialize a Buffer sent with a JSON content type).
 */
export function deliver(
  target: Parameters<typeof request>[0],
  signed: SignedWebhook,
  path = WEBHOOK_PATH,
): request.Test {
  return request(target).post(path).set(signed.headers).send(signed.body);
}

/** A deferred promise, to hold a handler open while a concurrent request arrives. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Starts a real server on an ephemeral port (for tests that hold a request open). */
export async function listen(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export const silent = { logger: false as const };
