/**
 * Options of `ComposioWebhooksModule`: the core receiver's options (secret, tolerance, dedupe
 * store, body limit, …) plus the module-definition settings (`path`, `isGlobal`,
 * `controllerDecorators`), and their
 * start-up checks.
 */
import type { ReceiverOptions, WebhookRouter } from '@composio-webhooks/core';
import { WebhookConfigError } from '@composio-webhooks/core';
import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import { DEFAULT_WEBHOOK_PATH, nestMessage } from './constants.js';

/** What the receiver needs: everything of core's `createWebhookReceiver` options. */
export interface ComposioWebhooksModuleOptions extends Omit<ReceiverOptions, 'router'> {
  /**
   * The core router the decorated handlers are registered on. Pass one to add handlers or an
   * `onError` hook in code as well; default: a new router.
   */
  router?: WebhookRouter;
}

/** Settings fixed when the module is defined (routes cannot come from an async factory). */
export interface ComposioWebhooksModuleExtras {
  /**
   * Route of the built-in controller that answers Composio (default `/webhooks/composio`).
   * `false`: no built-in controller; put `@UseGuards(ComposioWebhookGuard)` on your own route.
   */
  path?: string | false;
  /** Make the module global (default `true`), so `ComposioWebhookGuard` works in every module. */
  isGlobal?: boolean;
  /**
   * Decorators applied to the built-in controller class, e.g. `[Public()]` (your
   * `SetMetadata('isPublic', true)`) so a global auth guard lets Composio through, or
   * `[SkipThrottle()]`.
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

export const EXTRA_KEYS: readonly (keyof ComposioWebhooksModuleExtras)[] = [
  'path',
  'isGlobal',
  'controllerDecorators',
];

/** The controller route, or `undefined` for none. Throws `WebhookConfigError` on a bad value. */
export function resolvePath(path: unknown): string | undefined {
  if (path === false) return undefined;
  if (path === undefined) return DEFAULT_WEBHOOK_PATH;
  if (typeof path !== 'string' || path.trim() === '' || path.trim() === '/') {
    throw new WebhookConfigError(
      nestMessage(
        `ComposioWebhooksModule: \`path\` must be a route such as '${DEFAULT_WEBHOOK_PATH}' (the default), or false to serve no route and use ComposioWebhookGuard on your own controller; got ${JSON.stringify(path) ?? String(path)}.`,
      ),
    );
  }
  const trimmed = path.trim();
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export function checkIsGlobal(isGlobal: unknown): boolean {
  if (isGlobal === undefined) return true;
  if (typeof isGlobal !== 'boolean') {
    throw new WebhookConfigError(
      nestMessage(
        `ComposioWebhooksModule: \`isGlobal\` must be a boolean, got ${typeof isGlobal}.`,
      ),
    );
  }
  return isGlobal;
}

export function checkControllerDecorators(decorators: unknown): ClassDecorator[] {
  if (decorators === undefined) return [];
  if (!Array.isArray(decorators) || decorators.some((d) => typeof d !== 'function')) {
    throw new WebhookConfigError(
      nestMessage(
        "ComposioWebhooksModule: `controllerDecorators` must be an array of class decorators, e.g. [SetMetadata('isPublic', true)].",
      ),
    );
  }
  return decorators as ClassDecorator[];
}

export function checkAsyncOptions(options: unknown): void {
  const given = options as Partial<ComposioWebhooksModuleAsyncOptions> | null | undefined;
  if (
    given === null ||
    typeof given !== 'object' ||
    (typeof given.useFactory !== 'function' && !given.useClass && !given.useExisting)
  ) {
    throw new WebhookConfigError(
      nestMessage(
        "ComposioWebhooksModule.forRootAsync needs `useFactory` (with `inject`/`imports`), `useClass` or `useExisting`, e.g. forRootAsync({ inject: [ConfigService], useFactory: (config) => ({ secret: config.get('COMPOSIO_WEBHOOK_SECRET') }) }).",
      ),
    );
  }
}

/**
 * Checks the options object the module received (from `forRoot` or an async factory) before
 * core validates the receiver options.
 */
export function checkModuleOptions(options: unknown): ComposioWebhooksModuleOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') {
    throw new WebhookConfigError(
      nestMessage(
        `ComposioWebhooksModule options must be an object (the forRootAsync factory returned ${typeof options}).`,
      ),
    );
  }
  const misplaced = EXTRA_KEYS.filter((key) => key in options);
  if (misplaced.length > 0) {
    throw new WebhookConfigError(
      nestMessage(
        `ComposioWebhooksModule: ${misplaced.map((key) => `\`${key}\``).join(' and ')} must be passed to forRootAsync({ ${misplaced.join(', ')}, useFactory }) itself, not returned by the factory: routes are fixed when the module is defined.`,
      ),
    );
  }
  return options as ComposioWebhooksModuleOptions;
}
