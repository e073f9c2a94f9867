/**
 * `@composio-webhooks/nest`: receive Composio webhooks in NestJS 11 and 12, on the Express and
 * Fastify platforms. Core's user kit (`@composio-webhooks/core/kit`: the router, event types,
 * `TriggerPayloads`, the dedupe store, errors) is re-exported by name, so one import is enough and
 * `declare module '@composio-webhooks/nest'` augments `TriggerPayloads`. Everything else is in
 * `@composio-webhooks/core`.
 */

export * from '@composio-webhooks/core/kit';
export { COMPOSIO_WEBHOOKS_MODULE_OPTIONS } from './constants.js';
export {
  type ComposioEventHandler,
  type ComposioHandlerDecorator,
  OnAnyComposioEvent,
  OnComposioEvent,
  OnConnectionExpired,
  OnTriggerDisabled,
  OnTriggerMessage,
  OnUnknownComposioEvent,
} from './decorators.js';
export {
  ComposioDelivery,
  ComposioWebhookException,
  ComposioWebhookGuard,
  type ComposioWebhookRequest,
} from './guard.js';
export type { ComposioHttpRequest } from './http.js';
export { ComposioWebhooksModule } from './module.js';
export type {
  ComposioWebhooksModuleAsyncOptions,
  ComposioWebhooksModuleExtras,
  ComposioWebhooksModuleOptions,
  ComposioWebhooksOptionsFactory,
} from './options.js';
export { ComposioWebhooksService } from './service.js';
