/**
 * `@composio-webhooks/express`: receive Composio webhooks in Express 4 and 5. Everything of
 * `@composio-webhooks/core` is re-exported, so one import is enough (and
 * `declare module '@composio-webhooks/express'` augments `TriggerPayloads`).
 */
export * from '@composio-webhooks/core';
export { type ComposioWebhookOptions, composioWebhook, keepRawBody } from './middleware.js';
