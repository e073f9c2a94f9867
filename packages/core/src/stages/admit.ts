/**
 * Stage 1, admit: is the request ours, and can its method and headers alone refuse it, before a
 * body byte is read? `path` has one rule per adapter kind, written here:
 *
 * - `'middleware'` (Express, Koa, Hono) serves `POST` at `path` (every `POST`, without one) and
 *   passes every other request on to the app;
 * - `'route'` (Fastify, Nest) registers its route at `path`: the framework routed the request
 *   here, so the exchange does not filter; other methods are answered 405;
 * - `'handler'` (Web, Next.js, AWS Lambda) is mounted by the platform and takes no `path` (a
 *   `path` option is an `INVALID_CONFIG` at start-up); other methods are answered 405.
 *
 * Header-first refusals: a compressed body (415), missing or malformed signature headers or a
 * stale timestamp (401), a charset other than UTF-8 (400).
 */
import { message, WebhookConfigError, WebhookError } from '../errors.js';
import { headerValues, type WebhookHeaders } from '../headers.js';
import type { RequestTrace } from '../instrumentation.js';
import type { WebhookVerifier } from '../verifier.js';
import { asWebhookError } from './answer.js';

/** How an adapter is mounted, which decides what `path` means (see above). */
export type AdapterKind = 'middleware' | 'route' | 'handler';

/** What the method and path say: serve it, pass it on, or answer 405. */
export type Admission = 'serve' | 'pass' | 'not-allowed';

/** The `path` option of an adapter of `kind`, normalised; throws for a handler adapter. */
export function pathOption(
  path: unknown,
  kind: AdapterKind,
  packageName: string,
): string | undefined {
  if (kind === 'handler' && path !== undefined) {
    throw new WebhookConfigError(
      `[${packageName}] \`path\` is not an option here: the platform decides where this handler is mounted (the file's route, the function's URL), so a path would never be checked. Remove \`path: ${JSON.stringify(path)}\` and mount the handler at that path instead.`,
    );
  }
  return normalizePath(path, packageName);
}

/**
 * `path` normalised one way for every adapter: a leading `/` added when missing, trailing `/`
 * removed (except for the root), and anything that is not a plain path refused at start-up.
 */
export function normalizePath(path: unknown, packageName: string): string | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path.trim() === '' || /[?#\s]/.test(path)) {
    throw new WebhookConfigError(
      `[${packageName}] \`path\` must be a URL path such as '/webhooks/composio' (no query, no spaces), got ${JSON.stringify(path)}.`,
    );
  }
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  const trimmed = withSlash.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Composio only POSTs: in a middleware chain other methods and paths belong to the app. */
export function admission(
  kind: AdapterKind,
  path: string | undefined,
  method: string,
  requestPath: string | undefined,
): Admission {
  if (kind !== 'middleware') return method === 'POST' ? 'serve' : 'not-allowed';
  if (method !== 'POST') return 'pass';
  return path === undefined || samePath(requestPath, path) ? 'serve' : 'pass';
}

function samePath(requestPath: string | undefined, path: string): boolean {
  if (requestPath === undefined || requestPath === path) return true;
  return requestPath.length === path.length + 1 && requestPath.endsWith('/')
    ? requestPath.startsWith(path)
    : false;
}

/**
 * What the headers alone refuse, or `undefined`; keeps the parsed signature headers on the trace
 * so verification does not read them again. Never throws.
 */
export function precheck(
  verifier: WebhookVerifier,
  headers: WebhookHeaders,
  trace: RequestTrace,
): WebhookError | undefined {
  try {
    checkEncoding(headers);
    trace.checked = verifier.checkHeaders(headers);
    checkCharset(headers);
    return undefined;
  } catch (error) {
    return asWebhookError(error);
  }
}

/**
 * Composio sends identity-encoded JSON. A compressed body is refused the same way on every
 * adapter (415), whether or not a framework would have inflated it: the signature covers the
 * bytes as sent, and inflating untrusted input before verifying it is a decompression-bomb risk.
 */
function checkEncoding(headers: WebhookHeaders): void {
  // The common case first, without scanning every header name: Node lower-cases incoming names.
  const present =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('content-encoding') !== null
      : (headers as Record<string, unknown>)['content-encoding'] !== undefined;
  if (!present) return;
  for (const value of headerValues(headers, 'content-encoding')) {
    for (const coding of value.split(',')) {
      const name = coding.trim().toLowerCase();
      if (name !== '' && name !== 'identity') {
        throw new WebhookError(
          'UNSUPPORTED_ENCODING',
          message(
            `Content-Encoding "${name}" is not accepted: Composio sends identity-encoded JSON and signs the bytes as sent. A proxy that compresses requests must skip this route.`,
          ),
        );
      }
    }
  }
}

const UTF8 = /^utf-?8$/i;

/**
 * Composio sends UTF-8 JSON; a body declared in another charset cannot be verified and then
 * parsed safely, so it is refused (400) from the header, before it is read.
 */
function checkCharset(headers: WebhookHeaders): void {
  const contentType = headerValues(headers, 'content-type')[0];
  // No parameters (`application/json`, the common case): no charset to check.
  if (!contentType?.includes(';')) return;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  if (match && !UTF8.test(match[1] as string)) {
    throw new WebhookError(
      'INVALID_PAYLOAD',
      message(`Unsupported charset "${match[1]}": Composio webhooks are UTF-8 JSON.`),
    );
  }
}
