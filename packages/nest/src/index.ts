/**
 * `@composio-webhooks/nest`: receive Composio webhooks in NestJS 11 and 12, on the Express and
 * Fastify platforms. Core's user kit is re-exported, so one import is enough (and
 * `declare module '@composio-webhooks/nest'` augments `TriggerPayloads`).
 */

export * from '@composio-webhooks/core';
export { COMPOSIO_WEBHOOKS_MODULE_OPTIONS } from './constants.js';
export {
  ComposioDelivery,
  type ComposioEventHandler,
  type ComposioHandlerDecorator,
  type ComposioWebhookRequest,
  OnAnyComposioEvent,
  OnComposioEvent,
  OnConnectionExpired,
  OnTriggerDisabled,
  OnTriggerMessage,
  OnUnknownComposioEvent,
} from './decorators.js';
export { ComposioWebhookException, ComposioWebhookGuard } from './guard.js';
export type { ComposioHttpRequest } from './http.js';
export { ComposioWebhooksModule } from './module.js';
export type {
  ComposioWebhooksModuleAsyncOptions,
  ComposioWebhooksModuleExtras,
  ComposioWebhooksModuleOptions,
  ComposioWebhooksOptionsFactory,
} from './options.js';
export { ComposioWebhooksService } from './service.js';
