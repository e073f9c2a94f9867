/**
 * `ComposioWebhooksService`: the module's router and its two exchanges (the built-in controller
 * answers with the router; `ComposioWebhookGuard` hands deliveries to your route), built and
 * validated when the module is instantiated, i.e. at start-up. Both share one dedupe store.
 */
import {
  createWebhookRouter,
  type IdempotencyStore,
  MemoryIdempotencyStore,
  type WebhookDelivery,
  type WebhookLogFields,
  type WebhookLogger,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { createExchange, type WebhookExchange } from '@composio-webhooks/core/adapter';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { COMPOSIO_WEBHOOKS_MODULE_OPTIONS, PACKAGE_NAME } from './constants.js';
import { type ComposioWebhooksModuleOptions, checkModuleOptions } from './options.js';

/**
 * Core's problems go to Nest's logger, so the app's logger settings apply: the delivery's fields
 * (`webhookId`, `eventType`, …) as the line's params, and an error's stack as Nest prints stacks.
 */
function nestLogger(): WebhookLogger {
  const logger = new Logger('ComposioWebhooks');
  return {
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, details) => {
      const { err, ...fields } = (details ?? {}) as WebhookLogFields;
      if (err instanceof Error && err.stack) logger.error(message, fields, err.stack);
      else logger.error(message, fields);
    },
  };
}

@Injectable()
export class ComposioWebhooksService {
  /** The router the decorated handlers are registered on; add handlers in code here too. */
  readonly router: WebhookRouter;
  /** The built-in controller's exchange: verify, dedupe, dispatch to the router, answer. */
  readonly exchange: WebhookExchange;
  /** The guard's exchange: verify, dedupe, hand the delivery to the guarded route. */
  readonly guardExchange: WebhookExchange;

  constructor(@Inject(COMPOSIO_WEBHOOKS_MODULE_OPTIONS) options: ComposioWebhooksModuleOptions) {
    const checked = checkModuleOptions(options);
    this.router = checked.router ?? createWebhookRouter();
    const logger = checked.logger === undefined ? nestLogger() : checked.logger;
    // One store for both exchanges, so a delivery is deduped whichever route it reaches.
    const idempotency: IdempotencyStore | false =
      checked.idempotency ?? new MemoryIdempotencyStore({ logger });
    const shared = { ...checked, idempotency, logger };
    this.exchange = createExchange(
      { ...shared, router: this.router },
      { packageName: PACKAGE_NAME, kind: 'route' },
    );
    this.guardExchange = createExchange(
      { ...shared, router: undefined },
      { packageName: PACKAGE_NAME, kind: 'route', route: 'the guarded route' },
    );
  }

  /** Runs the decorated handlers for a verified delivery (e.g. from a guarded route). */
  dispatch(delivery: WebhookDelivery): Promise<void> {
    return this.router.dispatch(delivery);
  }
}
