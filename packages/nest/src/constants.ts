/** Names shared by the module, controller, guard and decorators. */

/** Where the built-in controller listens unless `path` says otherwise (core's constant). */
export { DEFAULT_WEBHOOK_PATH } from '@composio-webhooks/core';

export const PACKAGE_NAME = '@composio-webhooks/nest';

/** Metadata key of the handler registrations a method decorator leaves on a method. */
export const COMPOSIO_HANDLER_METADATA = 'composio-webhooks:handlers';

/** The request property the guard puts the verified delivery on (`req.composio`, as in the Express adapter). */
export const DELIVERY_REQUEST_PROPERTY = 'composio';

/** Prefixes a message with the package name, so users see at once where it comes from. */
export function nestMessage(text: string): string {
  return `[${PACKAGE_NAME}] ${text}`;
}

/** What to do when the raw body is gone: the `howToFix` of `RAW_BODY_UNAVAILABLE`. */
export const RAW_BODY_HOW_TO_FIX =
  "Create the app with `NestFactory.create(AppModule, { rawBody: true })` (in tests: `moduleRef.createNestApplication({ rawBody: true })`) so Nest keeps the raw bytes in `req.rawBody`, on the Express and the Fastify platform alike. Keep Nest's own body parser: with `bodyParser: false` Nest keeps no rawBody, and a JSON parser you register yourself (e.g. `app.use(express.json())`) consumes the body. To raise the Express JSON limit use `app.useBodyParser('json', { limit: '1mb' })`, which keeps rawBody.";

/** Injection token of the options the module was given (after an async factory resolved). */
export const COMPOSIO_WEBHOOKS_MODULE_OPTIONS = 'COMPOSIO_WEBHOOKS_MODULE_OPTIONS';
