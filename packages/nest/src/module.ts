/**
 * `ComposioWebhooksModule.forRoot(options)` / `.forRootAsync({ imports, inject, useFactory })`:
 * one core receiver for the app, the decorated handlers of every provider, the built-in route
 * (unless `path: false`) and `ComposioWebhookGuard` for your own routes.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { COMPOSIO_WEBHOOKS_MODULE_OPTIONS } from './constants.js';
import { ComposioWebhooksExplorer } from './explorer.js';
import { ComposioWebhookGuard } from './guard.js';
import { ConfigurableComposioWebhooksModule } from './module-definition.js';
import {
  type ComposioWebhooksModuleAsyncOptions,
  type ComposioWebhooksModuleExtras,
  type ComposioWebhooksModuleOptions,
  checkAsyncOptions,
} from './options.js';
import { ComposioWebhooksService } from './service.js';

@Module({
  imports: [DiscoveryModule],
  providers: [ComposioWebhooksService, ComposioWebhooksExplorer, ComposioWebhookGuard],
  exports: [ComposioWebhooksService, ComposioWebhookGuard, COMPOSIO_WEBHOOKS_MODULE_OPTIONS],
})
export class ComposioWebhooksModule extends ConfigurableComposioWebhooksModule {
  /**
   * Options inline. `secret` omitted: read from `COMPOSIO_WEBHOOK_SECRET`. An empty or missing
   * secret fails at start-up with an error naming it.
   */
  static override forRoot(
    options: ComposioWebhooksModuleOptions & ComposioWebhooksModuleExtras = {},
  ): DynamicModule {
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, the dynamic module's `module`.
    return super.forRoot(options);
  }

  /**
   * Options from a factory, e.g. the secret from `ConfigService`:
   * `forRootAsync({ inject: [ConfigService], useFactory: (config: ConfigService) => ({ secret: config.get('COMPOSIO_WEBHOOK_SECRET') }) })`.
   * `path` and `isGlobal` go here, not in what the factory returns.
   */
  static override forRootAsync(options: ComposioWebhooksModuleAsyncOptions): DynamicModule {
    checkAsyncOptions(options);
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = this class, the dynamic module's `module`.
    return super.forRootAsync(options);
  }
}
