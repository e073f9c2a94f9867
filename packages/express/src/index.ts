/**
 * `@composio-webhooks/express`: receive Composio webhooks in Express 4 and 5.
 * Core's user kit (`@composio-webhooks/core/kit`: the router, event types, `TriggerPayloads`, the
 * dedupe store, errors) is re-exported by name, so one import is enough and
 * `declare module '@composio-webhooks/express'` augments `TriggerPayloads`. Everything else is in
 * `@composio-webhooks/core`.
 */
export * from '@composio-webhooks/core/kit';
export { type ComposioWebhookOptions, composioWebhook, keepRawBody } from './middleware.js';
