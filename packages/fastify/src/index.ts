/**
 * `@composio-webhooks/fastify`: receive Composio webhooks in Fastify 4 and 5. Everything of
 * `@composio-webhooks/core` is re-exported, so one import is enough (and
 * `declare module '@composio-webhooks/fastify'` augments `TriggerPayloads`).
 */
export * from '@composio-webhooks/core';
export { type ComposioWebhookOptions, composioWebhooks } from './plugin.js';
