/**
 * Public types, in camelCase. The wire's snake_case lives in `wire.ts` only.
 */

import type { KnownWebhookEventType, WebhookVersion } from '@composio-webhooks/core/adapter';

/** Payload versions a subscription can be delivered in (core's `WebhookVersion`). New Composio organisations use V3. */
export type { KnownWebhookEventType, WebhookVersion };

export const WEBHOOK_VERSIONS: readonly WebhookVersion[] = Object.freeze(['V1', 'V2', 'V3']);

/** An event type string: a known one, or any other `composio.*` type the API offers. */
export type WebhookEventTypeName = KnownWebhookEventType | (string & {});

/** What `set()` subscribes to when `enabledEvents` is not given (same as Composio's SDK). */
export const DEFAULT_ENABLED_EVENTS: readonly KnownWebhookEventType[] = Object.freeze([
  'composio.trigger.message',
]);

/** What `set()` uses when `version` is not given (same as Composio's SDK). */
export const DEFAULT_WEBHOOK_VERSION: WebhookVersion = 'V3';

export interface Subscription {
  id: string;
  webhookUrl: string;
  /** A known version, or whatever newer string the API answers with. */
  version: WebhookVersion | (string & {});
  enabledEvents: WebhookEventTypeName[];
  /** The signing secret: store it as COMPOSIO_WEBHOOK_SECRET. */
  secret: string;
  /** ISO 8601, as sent by the API. */
  createdAt: string;
  /** ISO 8601, as sent by the API. */
  updatedAt: string;
}

export interface SubscriptionPage {
  items: Subscription[];
  /** Pass it as `cursor` to get the next page; `null` on the last page. */
  nextCursor: string | null;
  totalPages: number;
  currentPage: number;
  totalItems: number;
}

export interface ListSubscriptionsParams {
  /** Page size (positive integer). The API's default applies when omitted. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface CreateSubscriptionInput {
  /** Where Composio POSTs deliveries (http or https). */
  webhookUrl: string;
  enabledEvents: WebhookEventTypeName[];
  /** Payload version; the API's default (V3) applies when omitted. */
  version?: WebhookVersion;
}

export interface SetSubscriptionInput {
  webhookUrl: string;
  /** Default: `['composio.trigger.message']`. */
  enabledEvents?: WebhookEventTypeName[];
  /** Default: `'V3'`. */
  version?: WebhookVersion;
}

export interface SetSubscriptionResult {
  subscription: Subscription;
  /** `true` when `set()` created the subscription, `false` when it updated the existing one. */
  created: boolean;
}

/** Any non-empty subset of the create fields. */
export interface UpdateSubscriptionPatch {
  webhookUrl?: string;
  enabledEvents?: WebhookEventTypeName[];
  version?: WebhookVersion;
}

export interface DeleteSubscriptionResult {
  success: boolean;
}

export interface RotatedSecret {
  id: string;
  /** The new secret. The previous one stops validating at once on Composio's side. */
  secret: string;
}

export interface EventTypeInfo {
  eventType: WebhookEventTypeName;
  description: string;
  supportedVersions: string[];
}

/** Per-call options. */
export interface RequestOptions {
  /** Cancels the call, including any wait between retries. */
  signal?: AbortSignal;
}

/** Passed to `retries.onRetry` before each wait. */
export interface RetryInfo {
  method: string;
  path: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** Milliseconds until the next attempt. */
  delayMs: number;
  /** HTTP status of the failed attempt, or `undefined` for a network failure or timeout. */
  status: number | undefined;
  reason: 'rate-limited' | 'server-error' | 'network-error' | 'timeout';
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 2 (so 3 attempts at most). 0 disables retries. */
  maxRetries?: number;
  /** First backoff delay in ms; doubles each retry, with jitter. Default 500. */
  baseDelayMs?: number;
  /** Cap of one backoff delay in ms. Default 8000. */
  maxDelayMs?: number;
  /**
   * The longest `retry-after` the client will wait, in ms. A 429 asking for longer fails at once
   * with `retryAfterMs` set, so the caller can decide. Default 60000.
   */
  maxRetryAfterMs?: number;
  /** Called before each wait (for logs or a progress line). */
  onRetry?: (info: RetryInfo) => void;
}

export interface SubscriptionsClientOptions {
  /** Project API key. Default: `process.env.COMPOSIO_API_KEY`. */
  apiKey?: string;
  /**
   * Composio's API ORIGIN, as Composio's SDK reads `baseURL` / `COMPOSIO_BASE_URL`. Default:
   * `process.env.COMPOSIO_BASE_URL`, else `https://backend.composio.dev`. Each client adds its
   * API version path: `${baseUrl}/api/v3.1/webhook_subscriptions`,
   * `${baseUrl}/api/v3/triggers_types`. A value ending in `/api/v3` or `/api/v3.1` (this
   * option's meaning in 0.1) still works, with a one-time warning.
   */
  baseUrl?: string;
  /** A `fetch` implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms, body included. Default 30000. */
  timeoutMs?: number;
  /** A number is `maxRetries`. See `RetryOptions`. */
  retries?: number | RetryOptions;
  /** Extra headers sent with every request (never overrides `x-api-key`). */
  headers?: Record<string, string>;
}
