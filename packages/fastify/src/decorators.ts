/**
 * What the plugin adds to Fastify's types (declaration merging): `request.composio`, and in
 * verify-only mode `fastify.verifyComposioWebhook`.
 */
import type { WebhookDelivery } from '@composio-webhooks/core';
import type { preParsingHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified delivery, set by `fastify.verifyComposioWebhook` before your handler runs. */
    composio: WebhookDelivery | null;
  }
  interface FastifyInstance {
    /**
     * Verify-only mode (`composioWebhooks` registered without a `router`): the `preParsing` hook
     * of your own route, `{ preParsing: fastify.verifyComposioWebhook }`. It verifies and claims
     * the delivery and puts it on `request.composio`; your reply's status settles it (2xx =
     * processed; anything else = Composio's retry is processed).
     */
    verifyComposioWebhook: preParsingHookHandler;
  }
}
