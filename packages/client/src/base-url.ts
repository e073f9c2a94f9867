/**
 * Where requests go. `baseUrl` and `COMPOSIO_BASE_URL` mean what they mean to Composio's own SDK
 * (`@composio/core`'s `baseURL`) and generated client: the ORIGIN of Composio's API,
 * `https://backend.composio.dev`. Each client adds the version path of its endpoints
 * (`/api/v3.1/webhook_subscriptions`, `/api/v3/triggers_types`), so one environment serves
 * Composio's SDK and this package alike.
 *
 * A value that already ends in an API version path (`…/api/v3`, `…/api/v3.1`: the meaning this
 * package gave it in 0.1) keeps working: the version path is dropped and replaced by each
 * client's own, with one warning per value and process saying what to set instead.
 */
import { ComposioConfigError } from './errors.js';

/** Composio's API origin: the default of `baseUrl` / `COMPOSIO_BASE_URL`. */
export const DEFAULT_BASE_URL = 'https://backend.composio.dev';

/** The version path of the Webhook Subscriptions API (Composio's API reference). */
export const SUBSCRIPTIONS_API_PATH = '/api/v3.1';
/** The version path of the trigger types API (Composio's generated client uses `/api/v3`). */
export const TRIGGER_TYPES_API_PATH = '/api/v3';

/** A trailing API version path: `/api/v3`, `/api/v3.1`, any `/api/v<major>[.<minor>]`. */
const VERSION_PATH = /\/api\/v\d+(?:\.\d+)?$/;

const warned = new Set<string>();

export interface ResolvedBase {
  /** The origin (plus any path prefix of a proxy), without a trailing slash. */
  origin: string;
  /** `origin` + the client's version path: what request paths are appended to. */
  apiUrl: string;
}

/**
 * `value` (from `baseUrl`, or `COMPOSIO_BASE_URL` when `fromEnv`) read as an origin, with
 * `apiPath` appended. Throws `ComposioConfigError` for anything but an http(s) URL.
 */
export function resolveBase(
  value: string | undefined,
  fromEnv: boolean,
  apiPath: string,
): ResolvedBase {
  const raw = value ?? DEFAULT_BASE_URL;
  const name = fromEnv ? 'COMPOSIO_BASE_URL' : 'baseUrl';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ComposioConfigError(
      'INVALID_OPTION',
      `${name} is not a valid URL: "${raw}". Set it to Composio's API origin, e.g. ${DEFAULT_BASE_URL}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ComposioConfigError(
      'INVALID_OPTION',
      `${name} must be http(s): "${raw}". Set it to Composio's API origin, e.g. ${DEFAULT_BASE_URL}.`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ComposioConfigError(
      'INVALID_OPTION',
      `${name} must not carry a query or fragment: "${raw}". Set it to Composio's API origin, e.g. ${DEFAULT_BASE_URL}.`,
    );
  }
  let origin = raw.trim().replace(/\/+$/, '');
  const version = VERSION_PATH.exec(origin);
  if (version) {
    origin = origin.slice(0, version.index);
    warnOnce(
      raw,
      `[@composio-webhooks/client] ${name}=${raw} ends in the API version path ${version[0]}. ` +
        `It is the origin of Composio's API, as Composio's SDK reads it: using ${origin}, and each ` +
        `endpoint's own version path (${SUBSCRIPTIONS_API_PATH}/webhook_subscriptions, ` +
        `${TRIGGER_TYPES_API_PATH}/triggers_types). Set ${name}=${origin} to silence this warning.`,
    );
  }
  return { origin, apiUrl: `${origin}${apiPath}` };
}

function warnOnce(key: string, text: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  const proc = (
    globalThis as { process?: { emitWarning?: (warning: string, options: object) => void } }
  ).process;
  if (typeof proc?.emitWarning === 'function') {
    proc.emitWarning(text, { type: 'DeprecationWarning', code: 'COMPOSIO_WEBHOOKS_BASE_URL' });
  } else {
    console.warn(text);
  }
}
