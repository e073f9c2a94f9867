/**
 * Realistic events of every type and payload version, for tests (`@composio-webhooks/core/testing`).
 */
import {
  type ConnectedAccount,
  type ConnectionExpiredEvent,
  type TriggerData,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  WebhookEventType,
} from './events.js';

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends Record<string, unknown> ? DeepPartial<T[K]> : T[K];
};

/** A fresh `msg_<uuid>` id, the format of `webhook-id`. */
export function messageId(): string {
  return `msg_${globalThis.crypto.randomUUID()}`;
}

function shortId(prefix: string): string {
  return `${prefix}_${globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export interface TriggerMessageInput<S extends string> {
  slug?: S;
  data?: TriggerData<S>;
  id?: string;
  timestamp?: string;
  metadata?: Partial<TriggerMessageEvent<S>['metadata']>;
}

const GITHUB_COMMIT = {
  author: 'octocat',
  id: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
  message: 'Fix the flaky test',
  timestamp: '2026-11-20T09:15:40Z',
  url: 'https://github.com/octocat/hello-world/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e',
};

/** A V3 `composio.trigger.message`; by default a `GITHUB_COMMIT_EVENT`. */
export function buildTriggerMessage<S extends string = 'GITHUB_COMMIT_EVENT'>(
  input: TriggerMessageInput<S> = {},
): TriggerMessageEvent<S> {
  const slug = (input.slug ?? 'GITHUB_COMMIT_EVENT') as S;
  return {
    id: input.id ?? messageId(),
    type: WebhookEventType.TRIGGER_MESSAGE,
    timestamp: input.timestamp ?? new Date().toISOString(),
    metadata: {
      log_id: shortId('log'),
      trigger_slug: slug,
      trigger_id: 'ti_3kW9pQ2xY7aB',
      connected_account_id: 'ca_8NfR2dLk5sVq',
      auth_config_id: 'ac_1ZyX4cVb6nMq',
      user_id: 'user-42',
      ...input.metadata,
    },
    data: (input.data ?? { ...GITHUB_COMMIT }) as TriggerData<S>,
  };
}

export interface ConnectionExpiredInput {
  id?: string;
  timestamp?: string;
  toolkit?: string;
  accountId?: string;
  userId?: string;
  statusReason?: string | null;
  metadata?: Partial<ConnectionExpiredEvent['metadata']>;
  data?: DeepPartial<ConnectedAccount>;
}

/** A V3 `composio.connected_account.expired`; by default a Gmail OAuth2 account. */
export function buildConnectionExpired(input: ConnectionExpiredInput = {}): ConnectionExpiredEvent {
  const now = new Date().toISOString();
  const data: ConnectedAccount = {
    id: input.accountId ?? 'ca_your-connected-account-id',
    toolkit: { slug: input.toolkit ?? 'gmail' },
    auth_config: {
      id: 'ac_your-auth-config-id',
      auth_scheme: 'OAUTH2',
      is_composio_managed: true,
      is_disabled: false,
    },
    user_id: input.userId ?? 'user-42',
    status: 'EXPIRED',
    status_reason:
      input.statusReason === undefined ? 'OAuth refresh token expired' : input.statusReason,
    is_disabled: false,
    created_at: '2026-01-02T10:00:00.000Z',
    updated_at: now,
    state: { authScheme: 'OAUTH2', val: { status: 'EXPIRED' } },
    data: {},
    params: {},
    ...(input.data as Partial<ConnectedAccount>),
  };
  return {
    id: input.id ?? messageId(),
    type: WebhookEventType.CONNECTION_EXPIRED,
    timestamp: input.timestamp ?? now,
    metadata: { project_id: 'pr_your-project-id', org_id: 'ok_your-org-id', ...input.metadata },
    data,
  };
}

export interface TriggerDisabledInput {
  id?: string;
  timestamp?: string;
  triggerName?: string;
  reason?: string;
  metadata?: Partial<TriggerDisabledEvent['metadata']>;
  data?: Partial<TriggerDisabledEvent['data']>;
}

/** A V3 `composio.trigger.disabled`. */
export function buildTriggerDisabled(input: TriggerDisabledInput = {}): TriggerDisabledEvent {
  const now = new Date().toISOString();
  return {
    id: input.id ?? messageId(),
    type: WebhookEventType.TRIGGER_DISABLED,
    timestamp: input.timestamp ?? now,
    metadata: { project_id: 'pr_your-project-id', ...input.metadata },
    data: {
      id: 'ti_3kW9pQ2xY7aB',
      connected_account_id: 'ca_8NfR2dLk5sVq',
      trigger_name: input.triggerName ?? 'GITHUB_COMMIT_EVENT',
      user_id: null,
      trigger_config: { owner: 'octocat', repo: 'hello-world' },
      disabled_at: now,
      disabled_reason: input.reason ?? 'Connected account expired',
      ...input.data,
    },
  };
}

/** A `composio.*` event of a type this version does not know (for `onUnknown` tests). */
export function buildUnknownEvent(
  type = 'composio.connected_account.refreshed',
  data: Record<string, unknown> = { id: 'ca_8NfR2dLk5sVq' },
): {
  id: string;
  type: string;
  timestamp: string;
  metadata: Record<string, unknown>;
  data: Record<string, unknown>;
} {
  return {
    id: messageId(),
    type,
    timestamp: new Date().toISOString(),
    metadata: { project_id: 'pr_your-project-id' },
    data,
  };
}

export interface V1TriggerPayload {
  trigger_name: string;
  connection_id: string;
  trigger_id: string;
  payload: Record<string, unknown>;
  log_id: string;
}

/** A legacy V1 trigger body: `{ trigger_name, connection_id, trigger_id, payload, log_id }`. */
export function buildV1TriggerPayload(
  input: { slug?: string; payload?: Record<string, unknown>; connectionId?: string } = {},
): V1TriggerPayload {
  return {
    trigger_name: input.slug ?? 'GITHUB_COMMIT_EVENT',
    connection_id: input.connectionId ?? '5b0f1f3e-2a4c-4d7a-9b1e-3c2d1e0f9a8b',
    trigger_id: '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b',
    payload: input.payload ?? { author: 'octocat', message: 'Fix the flaky test' },
    log_id: shortId('log'),
  };
}

export interface V2TriggerPayload {
  type: string;
  timestamp: string;
  log_id: string;
  data: Record<string, unknown>;
}

/** A legacy V2 trigger body: `{ type: "<lowercase slug>", timestamp, log_id, data: {…} }`. */
export function buildV2TriggerPayload(
  input: { slug?: string; data?: Record<string, unknown>; userId?: string | null } = {},
): V2TriggerPayload {
  return {
    type: (input.slug ?? 'GITHUB_COMMIT_EVENT').toLowerCase(),
    timestamp: new Date().toISOString(),
    log_id: shortId('log'),
    data: {
      connection_id: '5b0f1f3e-2a4c-4d7a-9b1e-3c2d1e0f9a8b',
      connection_nano_id: 'ca_8NfR2dLk5sVq',
      trigger_nano_id: 'ti_3kW9pQ2xY7aB',
      trigger_id: '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b',
      user_id: input.userId === undefined ? 'user-42' : input.userId,
      ...(input.data ?? { author: 'octocat', message: 'Fix the flaky test' }),
    },
  };
}
