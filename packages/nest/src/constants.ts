/** Names shared by the module, controller, guard and decorators. */

/** Where the built-in controller listens unless `path` says otherwise (core's constant). */
export { DEFAULT_WEBHOOK_PATH } from '@composio-webhooks/core';

export const PACKAGE_NAME = '@composio-webhooks/nest';

/** Metadata key of the handler registrations a method decorator leaves on a method. */
export const COMPOSIO_HANDLER_METADATA = 'composio-webhooks:handlers';

/** Metadata on the built-in controller class: its routes read their own body (see raw-routes.ts). */
export const COMPOSIO_ROUTE_METADATA = 'composio-webhooks:route';

/** The request property the guard puts the verified delivery on (`req.composio`, as in the Express adapter). */
export const DELIVERY_REQUEST_PROPERTY = 'composio';

/** Prefixes a message with the package name, so users see at once where it comes from. */
export function nestMessage(text: string): string {
  return `[${PACKAGE_NAME}] ${text}`;
}

/** What to do when the raw body is gone: the `howToFix` of `RAW_BODY_UNAVAILABLE`. */
export const RAW_BODY_HOW_TO_FIX =
  'A middleware of yours read the request stream before the webhook route: let the route read it (body-parser is exempted), or create the app with { rawBody: true }. See TROUBLESHOOTING.md#raw_body_unavailable.';

/** Injection token of the options the module was given (after an async factory resolved). */
export const COMPOSIO_WEBHOOKS_MODULE_OPTIONS = 'COMPOSIO_WEBHOOKS_MODULE_OPTIONS';
