/**
 * What the pg-boss inbox tests share: a fresh database per file, inboxes tuned for tests (fast
 * polling and maintenance), signed deliveries, an Express receiver over real HTTP with
 * `composioWebhook({ router: inbox.router })`, and polling for what workers do in the background.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IdempotencyStore, WebhookLogger, WebhookRouter } from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { composioWebhook } from '@composio-webhooks/express';
import express from 'express';

export const SECRET = 'pg-boss-inbox-tests-secret';

/** pg-boss settings that keep tests short: maintenance (expiration) every second. */
export const TEST_BOSS_OPTIONS = { maintenanceIntervalSeconds: 1, max: 4 } as const;

export interface SignedDelivery {
  id: string;
  body: string;
  headers: Record<string, string>;
}

/** A signed V3 trigger message, as Composio sends it. */
export async function signedDelivery(
  id?: string,
  data: Record<string, unknown> = {},
): Promise<SignedDelivery> {
  const payload = buildTriggerMessage(id === undefined ? { data } : { id, data });
  const { body, headers } = await signWebhook({ payload, secret: SECRET, id: payload.id });
  return { id: payload.id, body, headers: { ...headers, 'content-type': 'application/json' } };
}

export function uniqueQueueName(label: string): string {
  return `test-${label}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

export interface Receiver {
  url: string;
  close(): Promise<void>;
}

/** An Express app whose webhook route is `composioWebhook({ router })`. */
export async function startReceiver(
  inbox: { router: WebhookRouter },
  options: { idempotency?: IdempotencyStore | false; logger?: WebhookLogger | false } = {},
): Promise<Receiver> {
  const app = express();
  app.post(
    '/webhooks/composio',
    composioWebhook({ router: inbox.router, secret: SECRET, logger: false, ...options }),
  );
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/composio`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: { ok: boolean; id?: string; duplicate?: true; error?: { code: string } };
}

export async function post(url: string, delivery: SignedDelivery): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    body: delivery.body,
    headers: delivery.headers,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer['body'],
  };
}

/** Polls `check` until it returns something other than undefined (or the deadline passes). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A logger that keeps what it is given. */
export function recordingLogger(): WebhookLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (text) => lines.push(`warn ${text}`),
    error: (text) => lines.push(`error ${text}`),
  };
}
