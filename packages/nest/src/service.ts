/**
 * `ComposioWebhooksService`: the module's router and its two exchanges (the built-in route
 * answers with the router; `ComposioWebhookGuard` hands deliveries to your route), built when the
 * module is instantiated, so core's option checks fail the app at start-up. Both share one
 * dedupe store. It also adds the body hook once the app has its HTTP adapter (body-hook.ts).
 */
import {
  createWebhookRouter,
  MemoryIdempotencyStore,
  WebhookConfigError,
  type WebhookDelivery,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { createExchange, type WebhookExchange } from '@composio-webhooks/core/adapter';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { addBodyHook, WebhookRoutes } from './body-hook.js';
import { COMPOSIO_WEBHOOKS_MODULE_OPTIONS, nestMessage, PACKAGE_NAME } from './constants.js';
import type { ComposioWebhooksModuleOptions } from './options.js';

@Injectable()
export class ComposioWebhooksService {
  /** The router the decorated handlers are registered on; add handlers in code here too. */
  readonly router: WebhookRouter;
  /** The built-in route's exchange: verify, dedupe, dispatch to the router, answer. */
  readonly exchange: WebhookExchange;
  /** The guard's exchange: verify, dedupe, hand the delivery to the guarded route. */
  readonly guardExchange: WebhookExchange;
  /** The routes whose body the body hook reads (filled in at start-up by the explorer). */
  readonly routes = new WebhookRoutes();

  constructor(
    @Inject(COMPOSIO_WEBHOOKS_MODULE_OPTIONS) options: ComposioWebhooksModuleOptions | undefined,
    @Inject(HttpAdapterHost) host: HttpAdapterHost,
  ) {
    if (options && typeof options === 'object' && 'path' in options) {
      throw new WebhookConfigError(
        nestMessage(
          '`path` goes to forRootAsync({ path, useFactory }) itself, not in what the factory returns: the route is fixed when the module is defined.',
        ),
      );
    }
    this.router = options?.router ?? createWebhookRouter();
    // Nest's Logger as it is (core writes the delivery's fields as the line's params), so the
    // app's logger settings apply.
    const logger = options?.logger === undefined ? new Logger('ComposioWebhooks') : options.logger;
    // One store for both exchanges, so a delivery is deduped whichever route it reaches.
    const idempotency = options?.idempotency ?? new MemoryIdempotencyStore({ logger });
    const shared = { ...options, idempotency, logger };
    this.exchange = createExchange(
      { ...shared, router: this.router },
      { packageName: PACKAGE_NAME, kind: 'route' },
    );
    this.guardExchange = createExchange(
      { ...shared, router: undefined },
      { packageName: PACKAGE_NAME, kind: 'route', route: 'the guarded route' },
    );
    // Fires when the app gets its HTTP adapter: before Nest registers its body parsers.
    host.init$.subscribe(() => addBodyHook(host.httpAdapter, this.routes));
  }

  /** Runs the decorated handlers for a verified delivery (e.g. from a guarded route). */
  dispatch(delivery: WebhookDelivery): Promise<void> {
    return this.router.dispatch(delivery);
  }
}
