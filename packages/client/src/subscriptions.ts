/**
 * `createSubscriptionsClient()`: the Webhook Subscriptions API of Composio, typed.
 */
import { resolveBase, SUBSCRIPTIONS_API_PATH } from './base-url.js';
import { ComposioConfigError, isComposioApiError, SubscriptionExistsError } from './errors.js';
import { type HttpConfig, type HttpRequest, resolveRetryOptions, send } from './http.js';
import { followCursor } from './paging.js';
import {
  type CreateSubscriptionInput,
  DEFAULT_ENABLED_EVENTS,
  DEFAULT_WEBHOOK_VERSION,
  type DeleteSubscriptionResult,
  type EventTypeInfo,
  type ListSubscriptionsParams,
  type RequestOptions,
  type RotatedSecret,
  type SetSubscriptionInput,
  type SetSubscriptionResult,
  type Subscription,
  type SubscriptionPage,
  type SubscriptionsClientOptions,
  type UpdateSubscriptionPatch,
  WEBHOOK_VERSIONS,
} from './types.js';
import {
  parseDeleteResult,
  parseEventTypes,
  parseRotatedSecret,
  parseSubscription,
  parseSubscriptionPage,
  toWireCreate,
  toWireListQuery,
  toWirePatch,
} from './wire.js';

export { DEFAULT_BASE_URL } from './base-url.js';
/** The deadline of one API request attempt, body included: 30 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** @deprecated Use `DEFAULT_REQUEST_TIMEOUT_MS`. */
export const DEFAULT_TIMEOUT_MS = DEFAULT_REQUEST_TIMEOUT_MS;
const CLIENT_VERSION = '0.1.0';

export interface SubscriptionsClient {
  /** Composio's API origin in use (`baseUrl` after defaults), without a trailing slash. */
  readonly baseUrl: string;
  /** Where requests go: `baseUrl` + `/api/v3.1`. */
  readonly apiUrl: string;
  /** One page of the project's subscriptions. */
  list(params?: ListSubscriptionsParams, options?: RequestOptions): Promise<SubscriptionPage>;
  /** Every subscription, following `nextCursor` page after page. */
  listAll(
    params?: { limit?: number },
    options?: RequestOptions,
  ): AsyncIterableIterator<Subscription>;
  get(id: string, options?: RequestOptions): Promise<Subscription>;
  /**
   * Creates the project's subscription. Throws `SubscriptionExistsError` (409) when the project
   * already has one. Never retried after a 5xx or a timeout (it may have been created).
   */
  create(input: CreateSubscriptionInput, options?: RequestOptions): Promise<Subscription>;
  /**
   * Create-or-update the project's single subscription to exactly this URL, events
   * (default `['composio.trigger.message']`) and version (default `'V3'`).
   */
  set(input: SetSubscriptionInput, options?: RequestOptions): Promise<SetSubscriptionResult>;
  /** Changes only the given fields. */
  update(
    id: string,
    patch: UpdateSubscriptionPatch,
    options?: RequestOptions,
  ): Promise<Subscription>;
  delete(id: string, options?: RequestOptions): Promise<DeleteSubscriptionResult>;
  /**
   * A new signing secret. Composio stops signing with the old one at once: deploy
   * `secret: [newSecret, oldSecret]` to the receiver to drop nothing in between. Never retried
   * after a 5xx or a timeout; `get(id)` then shows the secret in force.
   */
  rotateSecret(id: string, options?: RequestOptions): Promise<RotatedSecret>;
  listEventTypes(options?: RequestOptions): Promise<EventTypeInfo[]>;
}

export function createSubscriptionsClient(
  options: SubscriptionsClientOptions = {},
): SubscriptionsClient {
  const config = resolveConfig(options);
  const call = <T>(request: HttpRequest, parse: (data: unknown) => T) =>
    send(config, request, parse);
  const base = '/webhook_subscriptions';

  const client: SubscriptionsClient = {
    baseUrl: config.origin,
    apiUrl: config.baseUrl,

    async list(params = {}, requestOptions = {}) {
      checkListParams(params);
      return call(
        {
          method: 'GET',
          path: base,
          query: toWireListQuery(params),
          idempotent: true,
          signal: requestOptions.signal,
        },
        parseSubscriptionPage,
      );
    },

    listAll(params = {}, requestOptions = {}) {
      return followCursor(base, (cursor) =>
        client.list({ limit: params.limit, cursor }, requestOptions),
      );
    },

    async get(id, requestOptions = {}) {
      return call(
        { method: 'GET', path: itemPath(id), idempotent: true, signal: requestOptions.signal },
        parseSubscription,
      );
    },

    async create(input, requestOptions = {}) {
      checkWebhookUrl(input.webhookUrl);
      checkEvents(input.enabledEvents);
      if (input.version !== undefined) checkVersion(input.version);
      return call(
        {
          method: 'POST',
          path: base,
          body: toWireCreate(input),
          idempotent: false,
          signal: requestOptions.signal,
          errorFor: (details) =>
            details.status === 409 ? new SubscriptionExistsError(details) : undefined,
        },
        parseSubscription,
      );
    },

    async set(input, requestOptions = {}) {
      const desired: CreateSubscriptionInput = {
        webhookUrl: input.webhookUrl,
        enabledEvents: input.enabledEvents ?? [...DEFAULT_ENABLED_EVENTS],
        version: input.version ?? DEFAULT_WEBHOOK_VERSION,
      };
      checkWebhookUrl(desired.webhookUrl);
      checkEvents(desired.enabledEvents);
      checkVersion(desired.version);
      // Two rounds: if another process creates it between our list and create, update that one.
      for (let round = 0; ; round++) {
        const existing = (await client.list({ limit: 1 }, requestOptions)).items[0];
        if (existing) {
          const subscription = await client.update(existing.id, desired, requestOptions);
          return { subscription, created: false };
        }
        try {
          return { subscription: await client.create(desired, requestOptions), created: true };
        } catch (error) {
          if (round === 0 && isComposioApiError(error) && error.status === 409) continue;
          throw error;
        }
      }
    },

    async update(id, patch, requestOptions = {}) {
      const fields = Object.keys(patch).filter(
        (key) => patch[key as keyof UpdateSubscriptionPatch] !== undefined,
      );
      if (fields.length === 0) {
        throw new ComposioConfigError(
          'INVALID_ARGUMENT',
          'update() needs at least one of webhookUrl, enabledEvents or version.',
        );
      }
      if (patch.webhookUrl !== undefined) checkWebhookUrl(patch.webhookUrl);
      if (patch.enabledEvents !== undefined) checkEvents(patch.enabledEvents);
      if (patch.version !== undefined) checkVersion(patch.version);
      return call(
        {
          method: 'PATCH',
          path: itemPath(id),
          body: toWirePatch(patch),
          idempotent: true,
          signal: requestOptions.signal,
        },
        parseSubscription,
      );
    },

    async delete(id, requestOptions = {}) {
      return call(
        {
          method: 'DELETE',
          path: itemPath(id),
          idempotent: true,
          signal: requestOptions.signal,
          recover: { status: 404, value: { success: true } satisfies DeleteSubscriptionResult },
        },
        parseDeleteResult,
      );
    },

    async rotateSecret(id, requestOptions = {}) {
      return call(
        {
          method: 'POST',
          path: `${itemPath(id)}/rotate_secret`,
          idempotent: false,
          signal: requestOptions.signal,
        },
        parseRotatedSecret,
      );
    },

    async listEventTypes(requestOptions = {}) {
      return call(
        {
          method: 'GET',
          path: `${base}/event_types`,
          idempotent: true,
          signal: requestOptions.signal,
        },
        parseEventTypes,
      );
    },
  };
  return client;
}

/**
 * Options → transport config (API key, origin + `apiPath`, fetch, timeout, retries); throws
 * `ComposioConfigError`.
 */
export function resolveConfig(
  options: SubscriptionsClientOptions,
  apiPath = SUBSCRIPTIONS_API_PATH,
): HttpConfig {
  const env = readEnv();
  const apiKey = (options.apiKey ?? env.COMPOSIO_API_KEY ?? '').trim();
  if (apiKey === '') {
    throw new ComposioConfigError(
      'MISSING_API_KEY',
      'No Composio API key: set the COMPOSIO_API_KEY environment variable or pass { apiKey } ' +
        '(the project API key from the Composio dashboard, sent as x-api-key).',
    );
  }
  const fromEnv = options.baseUrl === undefined && Boolean(env.COMPOSIO_BASE_URL);
  const { origin, apiUrl } = resolveBase(
    options.baseUrl ?? (env.COMPOSIO_BASE_URL || undefined),
    fromEnv,
    apiPath,
  );
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new ComposioConfigError('INVALID_OPTION', 'No fetch available: pass { fetch }.');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ComposioConfigError(
      'INVALID_OPTION',
      `timeoutMs must be a positive number, got ${timeoutMs}.`,
    );
  }
  const retry = resolveRetryOptions(options.retries);
  for (const key of ['maxRetries', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    const value = retry[key];
    if (
      !Number.isFinite(value) ||
      value < 0 ||
      (key === 'maxRetries' && !Number.isInteger(value))
    ) {
      throw new ComposioConfigError(
        'INVALID_OPTION',
        `retries.${key} must be a non-negative number, got ${value}.`,
      );
    }
  }
  return {
    apiKey,
    origin,
    baseUrl: apiUrl,
    fetch: fetchImpl,
    timeoutMs,
    retry,
    headers: { 'user-agent': `composio-webhooks-client/${CLIENT_VERSION}`, ...options.headers },
    random: Math.random,
  };
}

function readEnv(): Record<string, string | undefined> {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}

function itemPath(id: string): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new ComposioConfigError(
      'INVALID_ARGUMENT',
      'A subscription id (non-empty string) is required.',
    );
  }
  return `/webhook_subscriptions/${encodeURIComponent(id)}`;
}

function checkListParams(params: ListSubscriptionsParams): void {
  if (params.limit !== undefined && (!Number.isInteger(params.limit) || params.limit < 1)) {
    throw new ComposioConfigError(
      'INVALID_ARGUMENT',
      `limit must be a positive integer, got ${params.limit}.`,
    );
  }
}

function checkWebhookUrl(url: unknown): void {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new ComposioConfigError(
      'INVALID_ARGUMENT',
      `webhookUrl must be an http(s) URL, got ${JSON.stringify(url)}.`,
    );
  }
}

function checkEvents(events: unknown): void {
  if (
    !Array.isArray(events) ||
    events.length === 0 ||
    !events.every((event) => typeof event === 'string' && event !== '')
  ) {
    throw new ComposioConfigError(
      'INVALID_ARGUMENT',
      'enabledEvents must be a non-empty array of event types, e.g. ["composio.trigger.message"].',
    );
  }
}

function checkVersion(version: unknown): void {
  if (!WEBHOOK_VERSIONS.includes(version as never)) {
    throw new ComposioConfigError(
      'INVALID_ARGUMENT',
      `version must be one of ${WEBHOOK_VERSIONS.join(', ')}, got ${JSON.stringify(version)}.`,
    );
  }
}
