/**
 * `ComposioWebhooksModule`: one exchange for the built-in route and one for
 * `ComposioWebhookGuard`, the decorated handlers of every provider, and the built-in route
 * (unless `path: false`).
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { COMPOSIO_WEBHOOKS_MODULE_OPTIONS } from './constants.js';
import { ComposioWebhooksExplorer } from './explorer.js';
import { ComposioWebhookGuard } from './guard.js';
import { ConfigurableComposioWebhooksModule } from './module-definition.js';
import type { ComposioWebhooksModuleExtras, ComposioWebhooksModuleOptions } from './options.js';
import { ComposioWebhooksService } from './service.js';

/**
 * Receives Composio webhooks: `forRoot(options)` with the options inline, or
 * `forRootAsync({ imports, inject, useFactory, path })` with options from a factory.
 *
 * @param options every option of a `composio-webhooks` adapter (`secret`, `router`,
 *   `onRefusal`, …); `secret` omitted: `COMPOSIO_WEBHOOK_SECRET`. Checked at start-up.
 * @example
 * ```ts
 * @Module({ imports: [ComposioWebhooksModule.forRoot()], providers: [WebhookHandlers] })
 * export class AppModule {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#options
 */
@Module({
  imports: [DiscoveryModule],
  providers: [ComposioWebhooksService, ComposioWebhooksExplorer, ComposioWebhookGuard],
  exports: [ComposioWebhooksService, ComposioWebhookGuard, COMPOSIO_WEBHOOKS_MODULE_OPTIONS],
})
export class ComposioWebhooksModule extends ConfigurableComposioWebhooksModule {
  /** `forRoot()` with no argument: every default, the secret from `COMPOSIO_WEBHOOK_SECRET`. */
  static override forRoot(
    options: ComposioWebhooksModuleOptions & ComposioWebhooksModuleExtras = {},
  ): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, the dynamic module's `module`.
    return super.forRoot(options);
  }
}
