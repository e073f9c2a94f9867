/** Names shared by the module, controller, guard and body hook. */

export const PACKAGE_NAME = '@composio-webhooks/nest';

/** Injection token of the options the module was given (after an async factory resolved). */
export const COMPOSIO_WEBHOOKS_MODULE_OPTIONS = 'COMPOSIO_WEBHOOKS_MODULE_OPTIONS';

/** Metadata key of the handler registrations a method decorator leaves on a method. */
export const COMPOSIO_HANDLER_METADATA = 'composio-webhooks:handlers';

/** Metadata on the built-in controller class (the body hook serves its route with the router). */
export const COMPOSIO_ROUTE_METADATA = 'composio-webhooks:route';

/** The request property the guard puts the verified delivery on (`req.composio`, as in Express). */
export const DELIVERY_REQUEST_PROPERTY = 'composio';

/** Prefixes a message with the package name, so users see at once where it comes from. */
export function nestMessage(text: string): string {
  return `[${PACKAGE_NAME}] ${text}`;
}

/** What to do when the raw body is gone: the `howToFix` of `RAW_BODY_UNAVAILABLE`. */
export const RAW_BODY_HOW_TO_FIX =
  "A body parser ran before the module's hook (one on the Express instance given to new ExpressAdapter(instance)): register it after NestFactory.create, or keep the raw bytes on req.rawBody (express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })). See TROUBLESHOOTING.md#raw_body_unavailable.";
