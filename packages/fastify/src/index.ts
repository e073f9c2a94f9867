/**
 * `@composio-webhooks/fastify`: receive Composio webhooks in Fastify 4 and 5.
 * Core's user kit (`@composio-webhooks/core/kit`: the router, event types, `TriggerPayloads`, the
 * dedupe store, errors) is re-exported by name, so one import is enough and
 * `declare module '@composio-webhooks/fastify'` augments `TriggerPayloads`. Everything else is in
 * `@composio-webhooks/core`.
 */
export * from '@composio-webhooks/core/kit';
export { type ComposioWebhookOptions, composioWebhooks } from './plugin.js';
