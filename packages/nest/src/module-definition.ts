/** `ConfigurableModuleBuilder` carries the options: `forRoot`, `forRootAsync`, the options token. */
import { DEFAULT_WEBHOOK_PATH, normalizePath } from '@composio-webhooks/core/adapter';
import { ConfigurableModuleBuilder } from '@nestjs/common';
import { COMPOSIO_WEBHOOKS_MODULE_OPTIONS, PACKAGE_NAME } from './constants.js';
import { createWebhookController } from './controller.js';
import type { ComposioWebhooksModuleExtras, ComposioWebhooksModuleOptions } from './options.js';

export const { ConfigurableModuleClass: ConfigurableComposioWebhooksModule } =
  new ConfigurableModuleBuilder<ComposioWebhooksModuleOptions>({
    moduleName: 'ComposioWebhooks',
    optionsInjectionToken: COMPOSIO_WEBHOOKS_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createComposioWebhooksOptions')
    .setExtras<ComposioWebhooksModuleExtras>(
      { path: DEFAULT_WEBHOOK_PATH, isGlobal: true, controllerDecorators: [] },
      (module, { path, isGlobal, controllerDecorators }) => ({
        ...module,
        global: isGlobal,
        controllers:
          path === false
            ? []
            : [
                createWebhookController(
                  normalizePath(path, PACKAGE_NAME) ?? DEFAULT_WEBHOOK_PATH,
                  controllerDecorators,
                ),
              ],
      }),
    )
    .build();
