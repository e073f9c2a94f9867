/** The configurable-module scaffolding: `forRoot`, `forRootAsync`, the options token. */
import { ConfigurableModuleBuilder } from '@nestjs/common';
import { COMPOSIO_WEBHOOKS_MODULE_OPTIONS } from './constants.js';
import { createWebhookController } from './controller.js';
import {
  type ComposioWebhooksModuleExtras,
  type ComposioWebhooksModuleOptions,
  checkControllerDecorators,
  checkIsGlobal,
  resolvePath,
} from './options.js';

const definition = new ConfigurableModuleBuilder<ComposioWebhooksModuleOptions>({
  moduleName: 'ComposioWebhooks',
  optionsInjectionToken: COMPOSIO_WEBHOOKS_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createComposioWebhooksOptions')
  .setExtras<ComposioWebhooksModuleExtras>(
    { path: undefined, isGlobal: true, controllerDecorators: undefined },
    (module, extras) => {
      const path = resolvePath(extras.path);
      return {
        ...module,
        global: checkIsGlobal(extras.isGlobal),
        controllers:
          path === undefined
            ? []
            : [
                createWebhookController(
                  path,
                  checkControllerDecorators(extras.controllerDecorators),
                ),
              ],
      };
    },
  )
  .build();

export const ConfigurableComposioWebhooksModule = definition.ConfigurableModuleClass;
