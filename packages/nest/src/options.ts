/**
 * The options of `ComposioWebhooksModule`: the options every `composio-webhooks` adapter takes
 * (core's `AdapterOptions`, `onRefusal` included; core validates them at start-up), and the
 * settings fixed when the module is defined (`path`, `isGlobal`, `controllerDecorators`).
 */
import type { AdapterOptions } from '@composio-webhooks/core/adapter';
import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';

/** What `forRoot` takes, or a `forRootAsync` factory returns: every shared adapter option but `path`. */
export type ComposioWebhooksModuleOptions = Omit<AdapterOptions, 'path'>;

/** Settings fixed when the module is defined (routes cannot come from an async factory). */
export interface ComposioWebhooksModuleExtras {
  /**
   * Where the built-in route is registered (default `/webhooks/composio`), normalised as every
   * adapter's `path` is. `false`: no built-in route; guard a route of yours with
   * `ComposioWebhookGuard` instead.
   */
  path?: string | false;
  /** Make the module global (default `true`), so `ComposioWebhookGuard` works in every module. */
  isGlobal?: boolean;
  /**
   * Class decorators for the built-in controller, e.g. `[Public()]` so an app-wide auth guard
   * lets Composio through, or `[SkipThrottle()]`.
   */
  controllerDecorators?: ClassDecorator[];
}

/** Implemented by a class given to `forRootAsync({ useClass })` / `useExisting`. */
export interface ComposioWebhooksOptionsFactory {
  createComposioWebhooksOptions():
    | ComposioWebhooksModuleOptions
    | Promise<ComposioWebhooksModuleOptions>;
}

export type ComposioWebhooksModuleAsyncOptions = ConfigurableModuleAsyncOptions<
  ComposioWebhooksModuleOptions,
  'createComposioWebhooksOptions'
> &
  ComposioWebhooksModuleExtras;
