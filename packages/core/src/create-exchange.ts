/**
 * `createExchange(options, description)`: an adapter's options checked and resolved once, at
 * start-up, into the exchange (`exchange.ts`) its requests run through.
 */
import { WebhookConfigError } from './errors.js';
import { Exchange } from './exchange.js';
import type { AdapterDescription, AdapterOptions, WebhookExchange } from './exchange-types.js';
import { createPipeline } from './options.js';
import { createWebhookRouter } from './router.js';
import { pathOption } from './stages/admit.js';

/**
 * Builds the exchange of one adapter instance. Options are validated here, at start-up:
 * configuration mistakes throw `WebhookConfigError` prefixed with the adapter's name.
 */
export function createExchange(
  options: AdapterOptions | undefined,
  adapter: AdapterDescription,
): WebhookExchange {
  const { packageName } = adapter;
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') {
    throw new WebhookConfigError(
      `[${packageName}] composioWebhook(options) takes an options object, e.g. { router } or { secret }, got ${options === null ? 'null' : typeof options}.`,
    );
  }
  const { router, path, onRefusal, ...receiverOptions } = options;
  const normalized = pathOption(path, adapter.kind, packageName);
  if (onRefusal !== undefined && typeof onRefusal !== 'function') {
    throw new WebhookConfigError(
      `[${packageName}] \`onRefusal\` must be a function, e.g. onRefusal: (refusal) => { throw refusal.error } to use your error handling.`,
    );
  }
  const pipeline = withPrefix(packageName, () =>
    createPipeline({ ...receiverOptions, router: router ?? createWebhookRouter() }),
  );
  return new Exchange(pipeline, adapter, normalized, router === undefined, onRefusal);
}

/** Re-throws a core configuration error with the adapter's name in front of core's message. */
function withPrefix<T>(packageName: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof WebhookConfigError) {
      throw new WebhookConfigError(
        `[${packageName}] ${error.message.replace(/^\[@composio-webhooks\/core\] /, '')}`,
        { cause: error },
      );
    }
    throw error;
  }
}
