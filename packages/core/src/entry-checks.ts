/**
 * The start-up checks of an adapter's two entry points, written once: router mode needs a
 * router (`composioWebhook({ router })`), and verify-only mode takes the user's handler first and
 * no router (`withComposioWebhook(handler, options)`). Each throws `WebhookConfigError` with the
 * adapter's name and its own example of the right call.
 */
import { WebhookConfigError } from './errors.js';
import type { WebhookRouter } from './router.js';

export interface EntryNames {
  /** e.g. `@composio-webhooks/web`. */
  packageName: string;
  /** A verify-only handler in the adapter's terms, e.g. `async (request, delivery) => Response.json({ ok: true })`. */
  handlerExample: string;
  /** What the verify-only handler answers with, e.g. `Response` or `result`. */
  answer: string;
}

/** `composioWebhook(options)`: throws unless `options.router` is set. @remark never returns otherwise. */
export function requireRouter<O extends { router?: WebhookRouter }>(
  options: O | null | undefined,
  names: EntryNames,
): asserts options is O & { router: WebhookRouter } {
  if (options === null || typeof options !== 'object' || options.router === undefined) {
    throw new WebhookConfigError(
      `[${names.packageName}] composioWebhook() needs a router: composioWebhook({ router: createWebhookRouter().on(...) }). To verify and answer yourself, use withComposioWebhook(${names.handlerExample}).`,
    );
  }
}

/** `withComposioWebhook(handler, options)`: throws unless `handler` is a function and `options` has no router. */
export function requireVerifyOnlyHandler(
  handler: unknown,
  options: object | null | undefined,
  names: EntryNames,
): void {
  if (typeof handler !== 'function') {
    throw new WebhookConfigError(
      `[${names.packageName}] withComposioWebhook(handler, options) takes your handler first, e.g. withComposioWebhook(${names.handlerExample}), got ${handler === null ? 'null' : typeof handler}.`,
    );
  }
  if (options !== undefined && options !== null && 'router' in options) {
    throw new WebhookConfigError(
      `[${names.packageName}] withComposioWebhook() answers with your handler's ${names.answer}, so it takes no router: use composioWebhook({ router }) to dispatch to router handlers.`,
    );
  }
}
