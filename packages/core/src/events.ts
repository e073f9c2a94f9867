/**
 * The typed shape of every Composio event (V3 envelope). V1/V2 trigger payloads are normalized
 * into `TriggerMessageEvent` by `parse.ts`.
 *
 * Fields follow Composio's OpenAPI description of its webhook events. A field Composio may leave
 * out (its SDK's schemas, its own examples) is optional here, and the runtime validator accepts a
 * delivery without it; `@deprecated` marks what Composio deprecates. Every object also lets
 * unknown fields through untouched, because Composio adds fields over time.
 */

/**
 * The `type` strings of the events this version knows, under the key names Composio's SDKs and
 * docs use (`WebhookEventType.CONNECTION_EXPIRED`).
 */
export const WebhookEventType = Object.freeze({
  TRIGGER_MESSAGE: 'composio.trigger.message',
  CONNECTION_EXPIRED: 'composio.connected_account.expired',
  TRIGGER_DISABLED: 'composio.trigger.disabled',
} as const);

/**
 * @deprecated Use `WebhookEventType` (same strings, the key names of Composio's SDKs and docs).
 */
export const ComposioEventType = Object.freeze({
  TriggerMessage: WebhookEventType.TRIGGER_MESSAGE,
  ConnectionExpired: WebhookEventType.CONNECTION_EXPIRED,
  TriggerDisabled: WebhookEventType.TRIGGER_DISABLED,
} as const);

/** One of the `WebhookEventType` strings. */
export type KnownWebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];
/** @deprecated Use `KnownWebhookEventType`. */
export type KnownComposioEventType = KnownWebhookEventType;

/**
 * Map a trigger slug to the type of its `data`. Augment it in your code:
 *
 * ```ts
 * declare module '@composio-webhooks/core' {
 *   interface TriggerPayloads {
 *     GITHUB_COMMIT_EVENT: { author: string; message: string; id: string; url: string };
 *   }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: users augment this interface.
export interface TriggerPayloads {}

/** The slugs declared in `TriggerPayloads`. */
export type KnownTriggerSlug = Extract<keyof TriggerPayloads, string>;

/** `data` of a trigger message: typed from `TriggerPayloads` when the slug is declared there. */
export type TriggerData<S extends string> = S extends keyof TriggerPayloads
  ? TriggerPayloads[S]
  : Record<string, unknown>;

export interface TriggerMessageMetadata<S extends string = string> {
  /** Execution log id of this delivery. */
  log_id: string;
  /** The trigger that fired, e.g. `GITHUB_COMMIT_EVENT`. */
  trigger_slug: S;
  /** Id of the trigger instance. */
  trigger_id: string;
  connected_account_id: string;
  /** Empty string on events normalized from V1/V2 payloads, which do not carry it. */
  auth_config_id: string;
  /**
   * End-user id of the connection: null when unset, absent when Composio leaves it out (V1/V2
   * deliveries give null or the id they carry).
   */
  user_id?: string | null;
  [key: string]: unknown;
}

/** `composio.trigger.message`: a trigger received data from an external service. */
export interface TriggerMessageEvent<S extends string = string> {
  id: string;
  type: typeof WebhookEventType.TRIGGER_MESSAGE;
  /**
   * ISO 8601 time the event was created, when Composio sends it (V1 deliveries get the time of
   * `webhook-timestamp`). `delivery.timestamp` is always there: Unix seconds of this attempt.
   */
  timestamp?: string;
  metadata: TriggerMessageMetadata<S>;
  data: TriggerData<S>;
  [key: string]: unknown;
}

export type ConnectedAccountStatus =
  | 'INITIALIZING'
  | 'INITIATED'
  | 'ACTIVE'
  | 'FAILED'
  | 'EXPIRED'
  | 'INACTIVE'
  | 'REVOKED';

export type AuthScheme =
  | 'OAUTH1'
  | 'OAUTH2'
  | 'API_KEY'
  | 'BASIC'
  | 'BEARER_TOKEN'
  | 'GOOGLE_SERVICE_ACCOUNT'
  | 'NO_AUTH'
  | 'CALCOM_AUTH'
  | 'BILLCOM_AUTH'
  | 'BASIC_WITH_JWT'
  | 'SERVICE_ACCOUNT'
  | 'SAML'
  | 'DCR_OAUTH'
  | 'S2S_OAUTH2';

/**
 * The connection state: one variant per auth scheme (`authScheme`), its values in `val` (keyed by
 * `val.status`). Composio's newer place for the auth scheme, replacing `auth_config.auth_scheme`.
 */
export interface ConnectionState {
  authScheme: AuthScheme | (string & {});
  val: { status?: ConnectedAccountStatus | (string & {}); [key: string]: unknown };
}

/** The connected account as Composio describes it (`ConnectedAccountDetailed`). */
export interface ConnectedAccount {
  id: string;
  toolkit: { slug: string; [key: string]: unknown };
  auth_config?: {
    id: string;
    /** @deprecated Composio: the auth scheme is part of the connection state: `state.authScheme`. */
    auth_scheme?: AuthScheme | (string & {});
    is_composio_managed?: boolean;
    is_disabled?: boolean;
    [key: string]: unknown;
  };
  /** Mostly `EXPIRED` on this event; new statuses pass through as strings. */
  status: ConnectedAccountStatus | (string & {});
  status_reason?: string | null;
  /** Short token-friendly id, e.g. `gmail_red-castle`. */
  word_id?: string | null;
  alias?: string | null;
  /** @deprecated Composio marks it deprecated; prefer your own mapping from `id`. */
  user_id?: string;
  is_disabled?: boolean;
  created_at?: string;
  updated_at?: string;
  /** The connection state; `state.authScheme` is the account's auth scheme. */
  state?: ConnectionState;
  /** @deprecated Composio: use `state` instead. */
  data?: Record<string, unknown>;
  /** @deprecated */
  params?: Record<string, unknown>;
  test_request_endpoint?: string;
  requested_scopes?: string[];
  requested_user_scopes?: string[];
  experimental?: {
    account_type: 'PRIVATE' | 'SHARED';
    acl_config_for_shared?: {
      allow_all_users?: boolean;
      allowed_user_ids?: string[];
      not_allowed_user_ids?: string[];
    };
  };
  [key: string]: unknown;
}

/** `composio.connected_account.expired`: the account needs re-authentication. V3 only. */
export interface ConnectionExpiredEvent {
  id: string;
  type: typeof WebhookEventType.CONNECTION_EXPIRED;
  timestamp: string;
  metadata: {
    project_id: string;
    /** @deprecated Composio: scope by `project_id` instead. May be absent. */
    org_id?: string;
    [key: string]: unknown;
  };
  data: ConnectedAccount;
  [key: string]: unknown;
}

/**
 * `data.disabled_reason` of `composio.trigger.disabled`: the reasons Composio documents, or a
 * newer string (Composio's OpenAPI calls it "human-readable").
 */
export type TriggerDisabledReason =
  | 'connection_expired'
  | 'subscription_auth_failure'
  | 'subscription_refresh_failure'
  | 'polling_failure_in_composio_infra'
  | (string & {});

/** `composio.trigger.disabled`: Composio disabled a trigger by itself (e.g. auth expired). */
export interface TriggerDisabledEvent {
  id: string;
  type: typeof WebhookEventType.TRIGGER_DISABLED;
  timestamp: string;
  metadata: { project_id: string; [key: string]: unknown };
  data: {
    /** Id of the trigger instance (what `metadata.trigger_id` is on trigger messages). */
    id: string;
    connected_account_id: string;
    /** The trigger slug, e.g. `GITHUB_COMMIT_EVENT`. */
    trigger_name: string;
    /** End-user id, null when unset; may be absent. */
    user_id?: string | null;
    /** The trigger configuration that was active; may be absent. */
    trigger_config?: Record<string, unknown>;
    /** ISO 8601 time the trigger was disabled; may be absent. */
    disabled_at?: string;
    /** Why Composio disabled it (see `TriggerDisabledReason`); may be absent. */
    disabled_reason?: TriggerDisabledReason;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

declare const unknownTypeBrand: unique symbol;
/**
 * The `type` of an event this version does not know: a `composio.*` string that is never one of
 * the known types (checked at runtime), so comparing `event.type` with a known type narrows the
 * union correctly.
 */
export type UnknownComposioEventType = `composio.${string}` & {
  readonly [unknownTypeBrand]: true;
};

/** A `composio.*` event this version does not know yet. Never an error: it reaches `onAny`/`onUnknown`. */
export interface UnknownComposioEvent {
  id: string;
  type: UnknownComposioEventType;
  timestamp?: string;
  metadata?: Record<string, unknown>;
  data?: unknown;
  [key: string]: unknown;
}

export type KnownComposioEvent =
  | TriggerMessageEvent
  | ConnectionExpiredEvent
  | TriggerDisabledEvent;
export type ComposioEvent = KnownComposioEvent | UnknownComposioEvent;

/** The event type named by a `type` string. */
export type ComposioEventOf<T extends string> = T extends typeof WebhookEventType.TRIGGER_MESSAGE
  ? TriggerMessageEvent
  : T extends typeof WebhookEventType.CONNECTION_EXPIRED
    ? ConnectionExpiredEvent
    : T extends typeof WebhookEventType.TRIGGER_DISABLED
      ? TriggerDisabledEvent
      : UnknownComposioEvent;

/** The payload version of a delivery, detected from its shape. */
export type WebhookVersion = 'V1' | 'V2' | 'V3';
/** @deprecated Use `WebhookVersion`. */
export type PayloadVersion = WebhookVersion;

/** A verified delivery: what the verifier returns and handlers receive as second argument. */
export interface WebhookDelivery<E = ComposioEvent> {
  /** `webhook-id` header: stable across retries, the idempotency key. */
  id: string;
  /** `webhook-timestamp` header: Unix seconds of this attempt. */
  timestamp: number;
  /** `x-composio-delivery-attempt` header, when sent. */
  attempt?: number;
  /** Detected from the payload shape (the version header is informational). */
  version: WebhookVersion;
  /** V3-shaped, validated event. */
  event: E;
  /** The parsed body as sent (V1/V2 before normalization). */
  raw: unknown;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(ComposioEventType));

export function isKnownEventType(type: string): type is KnownWebhookEventType {
  return KNOWN_TYPES.has(type);
}

export function isTriggerMessage(event: ComposioEvent): event is TriggerMessageEvent {
  return event.type === WebhookEventType.TRIGGER_MESSAGE;
}

export function isConnectionExpired(event: ComposioEvent): event is ConnectionExpiredEvent {
  return event.type === WebhookEventType.CONNECTION_EXPIRED;
}

export function isTriggerDisabled(event: ComposioEvent): event is TriggerDisabledEvent {
  return event.type === WebhookEventType.TRIGGER_DISABLED;
}

export function isUnknownEvent(event: ComposioEvent): event is UnknownComposioEvent {
  return !KNOWN_TYPES.has(event.type);
}
