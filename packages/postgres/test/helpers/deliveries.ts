import { createWebhookRouter, type WebhookRouter } from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';

export const SECRET = 'whsec_postgres-store-tests-secret-0b4c9f';

export interface SignedDelivery {
  id: string;
  body: string;
  headers: Record<string, string>;
}

/** A signed V3 trigger message, as Composio sends it. */
export async function signedDelivery(id?: string): Promise<SignedDelivery> {
  const payload = buildTriggerMessage(id === undefined ? {} : { id });
  const { body, headers } = await signWebhook({ payload, secret: SECRET, id: payload.id });
  return { id: payload.id, body, headers: { ...headers, 'content-type': 'application/json' } };
}

/** A router whose every delivery runs `handler(id)`. */
export function routerCalling(handler: (id: string) => unknown): WebhookRouter {
  return createWebhookRouter().onAny((_event, delivery) => handler(delivery.id));
}
