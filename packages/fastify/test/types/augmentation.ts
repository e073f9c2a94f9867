/**
 * Compiled (never run) against Fastify 5 (tsconfig.json) and Fastify 4 (tsconfig.fastify4.json):
 * the plugin's options are typed, `fastify.verifyComposioWebhook` fits a route's `preParsing` and
 * `request.composio` is typed through declaration merging in both majors.
 */
import type { WebhookDelivery } from '@composio-webhooks/core';
import type { FastifyInstance } from 'fastify';
import { composioWebhooks, createWebhookRouter, WebhookEventType } from '../../src/index.js';

export async function routerMode(app: FastifyInstance): Promise<void> {
  const router = createWebhookRouter().on(WebhookEventType.TRIGGER_MESSAGE, (event) => {
    const slug: string = event.metadata.trigger_slug;
    return slug;
  });
  await app.register(composioWebhooks, { router, path: '/webhooks/composio', maxBodyBytes: 2048 });
  // @ts-expect-error options are typed: maxBodyBytes is a number
  await app.register(composioWebhooks, { router, maxBodyBytes: '2kb' });
}

export async function verifyOnly(app: FastifyInstance): Promise<void> {
  await app.register(composioWebhooks, { secret: 'typed' });
  app.post('/webhooks/composio', { preParsing: app.verifyComposioWebhook }, async (request) => {
    const delivery: WebhookDelivery | null = request.composio;
    return { type: delivery?.event.type };
  });
}
