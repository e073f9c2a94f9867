export { COMPOSIO_WEBHOOKS_MODULE_OPTIONS, DEFAULT_WEBHOOK_PATH } from './constants.js';
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
