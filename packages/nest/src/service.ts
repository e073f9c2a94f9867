/**
 * `ComposioWebhooksService`: the module's one core receiver and router, built (and its options
 * validated) when the module is instantiated, i.e. at start-up.
 */
import {
  type Acceptance,
  createWebhookReceiver,
  createWebhookRouter,
  isWebhookError,
  type ReceiverResponse,
  WebhookConfigError,
  type WebhookDelivery,
  type WebhookLogger,
  type WebhookReceiver,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { COMPOSIO_WEBHOOKS_MODULE_OPTIONS, nestMessage } from './constants.js';
import { type ComposioHttpRequest, readRequestBody } from './http.js';
import { type ComposioWebhooksModuleOptions, checkModuleOptions } from './options.js';

const CORE_PREFIX = /^\[@composio-webhooks\/core\] /;

/** Core's problems go to Nest's logger, so the app's logger settings apply. */
function nestLogger(): WebhookLogger {
  const logger = new Logger('ComposioWebhooks');
  return {
    warn: (message) => logger.warn(message),
    error: (message, details) =>
      details instanceof Error && details.stack
        ? logger.error(message, details.stack)
        : logger.error(message),
  };
}

@Injectable()
export class ComposioWebhooksService {
  /** The router the decorated handlers are registered on; add handlers in code here too. */
  readonly router: WebhookRouter;
  /** Core's receiver: verification, size limit, dedupe, dispatch and the status table. */
  readonly receiver: WebhookReceiver;

  constructor(@Inject(COMPOSIO_WEBHOOKS_MODULE_OPTIONS) options: ComposioWebhooksModuleOptions) {
    const checked = checkModuleOptions(options);
    this.router = checked.router ?? createWebhookRouter();
    try {
      this.receiver = createWebhookReceiver({
        ...checked,
        logger: checked.logger === undefined ? nestLogger() : checked.logger,
        router: this.router,
      });
    } catch (error) {
      if (isWebhookError(error) && error.code === 'INVALID_CONFIG') {
        throw new WebhookConfigError(
          nestMessage(`ComposioWebhooksModule options: ${error.message.replace(CORE_PREFIX, '')}`),
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Runs a request through the receiver: raw body, verification, dedupe, the decorated
   * handlers. Resolves to the answer to send (`status`, JSON `body`, `headers`); never rejects.
   */
  async handleRequest(request: ComposioHttpRequest): Promise<ReceiverResponse> {
    let body: Awaited<ReturnType<typeof readRequestBody>>;
    try {
      body = await readRequestBody(request, this.receiver.maxBodyBytes);
    } catch (error) {
      return this.receiver.reject(error);
    }
    return this.receiver.receive({ body, headers: request.headers });
  }

  /**
   * Verifies and claims a request without dispatching it (what `ComposioWebhookGuard` does):
   * answer `response` now, or process `delivery` and then call `complete()` or `fail(error)`.
   */
  async acceptRequest(request: ComposioHttpRequest): Promise<Acceptance> {
    let body: Awaited<ReturnType<typeof readRequestBody>>;
    try {
      body = await readRequestBody(request, this.receiver.maxBodyBytes);
    } catch (error) {
      return { accepted: false, response: this.receiver.reject(error) };
    }
    return this.receiver.accept({ body, headers: request.headers });
  }

  /** Runs the decorated handlers for a verified delivery (e.g. from a guarded route). */
  dispatch(delivery: WebhookDelivery): Promise<void> {
    return this.router.dispatch(delivery);
  }
}
