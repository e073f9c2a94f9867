import { describe, expectTypeOf, it } from 'vitest';
import {
  type AuthScheme,
  type ComposioEvent,
  type ComposioEventOf,
  ComposioEventType,
  type ConnectedAccountStatus,
  type ConnectionExpiredEvent,
  type ConnectionState,
  isConnectionExpired,
  isTriggerDisabled,
  isTriggerMessage,
  isUnknownEvent,
  type KnownComposioEvent,
  type KnownTriggerSlug,
  type TriggerData,
  type TriggerDisabledEvent,
  type TriggerDisabledReason,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  type UnknownComposioEventType,
  type WebhookDelivery,
  WebhookEventType,
} from './events.js';
import { type SignedWebhookHeaders, signWebhook } from './sign.js';
import { buildTriggerMessage } from './testing.js';
import { createWebhookVerifier, verifyWebhook } from './verifier.js';

// The augmentation users write (`declare module '@composio-webhooks/core'` in their code; inside
// this package the module is `./events.js`). It applies to the whole type program of the package,
// so it uses a slug no other test builds events for.
declare module './events.js' {
  interface TriggerPayloads {
    GITHUB_PULL_REQUEST_EVENT: PullRequest;
  }
}

type PullRequest = {
  action: 'opened' | 'closed' | 'reopened';
  number: number;
  title: string;
  merged_at: string | null;
};

declare const event: ComposioEvent;

describe('the ComposioEvent union narrows on type', () => {
  it('with === on ComposioEventType', () => {
    if (event.type === ComposioEventType.TriggerMessage) {
      expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent>();
      expectTypeOf(event.metadata.trigger_slug).toBeString();
      expectTypeOf(event.metadata.user_id).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.data).toEqualTypeOf<Record<string, unknown>>();
      // @ts-expect-error trigger messages have no data.trigger_name (that is trigger.disabled)
      event.data.trigger_name.toUpperCase();
      // @ts-expect-error metadata has no org_id on trigger messages
      event.metadata.org_id.toUpperCase();
    }
    if (event.type === ComposioEventType.ConnectionExpired) {
      expectTypeOf(event).toEqualTypeOf<ConnectionExpiredEvent>();
      expectTypeOf(event.data.toolkit.slug).toEqualTypeOf<string>();
      expectTypeOf(event.metadata.org_id).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.data.status_reason).toEqualTypeOf<string | null | undefined>();
      // @ts-expect-error expiry events have no trigger_slug
      event.metadata.trigger_slug.toUpperCase();
    }
    if (event.type === WebhookEventType.TRIGGER_DISABLED) {
      expectTypeOf(event).toEqualTypeOf<TriggerDisabledEvent>();
      expectTypeOf(event.data.trigger_name).toEqualTypeOf<string>();
      expectTypeOf(event.data.user_id).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.data.trigger_config).toEqualTypeOf<Record<string, unknown> | undefined>();
    }
  });

  it('with a literal string, and the negation leaves the others', () => {
    if (event.type === 'composio.trigger.message') {
      expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent>();
    } else {
      expectTypeOf(event).toEqualTypeOf<
        ConnectionExpiredEvent | TriggerDisabledEvent | UnknownComposioEvent
      >();
    }
    if (event.type !== ComposioEventType.ConnectionExpired) {
      expectTypeOf(event).toEqualTypeOf<
        TriggerMessageEvent | TriggerDisabledEvent | UnknownComposioEvent
      >();
    }
  });

  it('in a switch, with the unknown events left in default', () => {
    switch (event.type) {
      case ComposioEventType.TriggerMessage:
        expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent>();
        break;
      case ComposioEventType.ConnectionExpired:
        expectTypeOf(event).toEqualTypeOf<ConnectionExpiredEvent>();
        break;
      case WebhookEventType.TRIGGER_DISABLED:
        expectTypeOf(event).toEqualTypeOf<TriggerDisabledEvent>();
        break;
      default:
        expectTypeOf(event).toEqualTypeOf<UnknownComposioEvent>();
        expectTypeOf(event.type).toEqualTypeOf<UnknownComposioEventType>();
        expectTypeOf(event.data).toEqualTypeOf<unknown>();
    }
  });

  it('the unknown branch is never one of the known types', () => {
    expectTypeOf<UnknownComposioEvent>().not.toExtend<KnownComposioEvent>();
    expectTypeOf<
      Extract<ComposioEvent, { type: 'composio.trigger.message' }>
    >().toEqualTypeOf<TriggerMessageEvent>();
    expectTypeOf<
      Extract<ComposioEvent, { type: 'composio.connected_account.expired' }>
    >().toEqualTypeOf<ConnectionExpiredEvent>();
    // @ts-expect-error a known type string is not an unknown event type
    const known: UnknownComposioEventType = 'composio.trigger.message';
    // @ts-expect-error nor is any other plain string: unknown types come from the parser only
    const plain: UnknownComposioEventType = 'composio.project.created';
    void known;
    void plain;
    // An unknown type is still a string to read and compare.
    expectTypeOf<UnknownComposioEventType>().toExtend<string>();
    expectTypeOf<UnknownComposioEventType>().toExtend<`composio.${string}`>();
  });

  it('an exhaustive switch over the known events compiles', () => {
    function label(known: KnownComposioEvent): string {
      switch (known.type) {
        case ComposioEventType.TriggerMessage:
          return known.metadata.trigger_slug;
        case ComposioEventType.ConnectionExpired:
          return known.data.toolkit.slug;
        case ComposioEventType.TriggerDisabled:
          return known.data.trigger_name;
        default: {
          const never: never = known;
          return never;
        }
      }
    }
    expectTypeOf(label).returns.toBeString();
  });

  it('the type guards narrow too', () => {
    if (isTriggerMessage(event)) expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent>();
    if (isConnectionExpired(event)) expectTypeOf(event).toEqualTypeOf<ConnectionExpiredEvent>();
    if (isTriggerDisabled(event)) expectTypeOf(event).toEqualTypeOf<TriggerDisabledEvent>();
    if (isUnknownEvent(event)) expectTypeOf(event).toEqualTypeOf<UnknownComposioEvent>();
  });

  it('ComposioEventOf maps a type string to its event', () => {
    expectTypeOf<
      ComposioEventOf<'composio.trigger.message'>
    >().toEqualTypeOf<TriggerMessageEvent>();
    expectTypeOf<
      ComposioEventOf<typeof WebhookEventType.CONNECTION_EXPIRED>
    >().toEqualTypeOf<ConnectionExpiredEvent>();
    expectTypeOf<ComposioEventOf<'composio.whatever'>>().toEqualTypeOf<UnknownComposioEvent>();
  });
});

declare const message: TriggerMessageEvent;
declare const expired: ConnectionExpiredEvent;
declare const disabled: TriggerDisabledEvent;

describe('fields Composio may leave out are optional; what it deprecates is @deprecated', () => {
  it('trigger message: timestamp and metadata.user_id', () => {
    expectTypeOf(message.timestamp).toEqualTypeOf<string | undefined>();
    expectTypeOf(message.metadata.user_id).toEqualTypeOf<string | null | undefined>();
    // @ts-expect-error the timestamp may be absent: check it first
    message.timestamp.toUpperCase();
    // @ts-expect-error the user id may be null or absent
    message.metadata.user_id.toUpperCase();
    // What is always there stays required.
    expectTypeOf(message.metadata.trigger_slug).toEqualTypeOf<string>();
    expectTypeOf(message.metadata.connected_account_id).toEqualTypeOf<string>();
    // A builder (or a handler test) may leave them out.
    const bare: TriggerMessageEvent = {
      id: 'msg_1',
      type: WebhookEventType.TRIGGER_MESSAGE,
      metadata: {
        log_id: 'l',
        trigger_slug: 'S',
        trigger_id: 't',
        connected_account_id: 'c',
        auth_config_id: 'a',
      },
      data: {},
    };
    expectTypeOf(bare).toEqualTypeOf<TriggerMessageEvent>();
  });

  it('trigger disabled: user_id, trigger_config, disabled_at, disabled_reason', () => {
    expectTypeOf(disabled.data.user_id).toEqualTypeOf<string | null | undefined>();
    expectTypeOf(disabled.data.trigger_config).toEqualTypeOf<Record<string, unknown> | undefined>();
    expectTypeOf(disabled.data.disabled_at).toEqualTypeOf<string | undefined>();
    expectTypeOf(disabled.data.disabled_reason).toEqualTypeOf<TriggerDisabledReason | undefined>();
    // @ts-expect-error disabled_at may be absent
    disabled.data.disabled_at.toUpperCase();
    // @ts-expect-error disabled_reason may be absent
    disabled.data.disabled_reason.toUpperCase();
    // The documented reasons autocomplete; any newer string is accepted.
    const known: TriggerDisabledReason = 'subscription_refresh_failure';
    const newer: TriggerDisabledReason = 'a reason Composio adds later';
    expectTypeOf(known).toExtend<string>();
    expectTypeOf(newer).toExtend<string>();
    const bare: TriggerDisabledEvent['data'] = {
      id: 'ti_1',
      connected_account_id: 'ca_1',
      trigger_name: 'GITHUB_COMMIT_EVENT',
    };
    expectTypeOf(bare.trigger_name).toEqualTypeOf<string>();
  });

  it('connection expired: metadata.org_id optional (deprecated), state.authScheme', () => {
    expectTypeOf(expired.metadata.org_id).toEqualTypeOf<string | undefined>();
    expectTypeOf(expired.metadata.project_id).toEqualTypeOf<string>();
    // @ts-expect-error org_id may be absent (Composio: scope by project_id instead)
    expired.metadata.org_id.toUpperCase();
    const metadata: ConnectionExpiredEvent['metadata'] = { project_id: 'pr_1' };
    expectTypeOf(metadata.project_id).toEqualTypeOf<string>();
    // The auth scheme lives in the connection state (auth_config.auth_scheme is deprecated).
    expectTypeOf(expired.data.state).toEqualTypeOf<ConnectionState | undefined>();
    expectTypeOf<ConnectionState['authScheme']>().toEqualTypeOf<AuthScheme | (string & {})>();
    const scheme: AuthScheme | (string & {}) | undefined = expired.data.state?.authScheme;
    expectTypeOf(scheme).toEqualTypeOf<AuthScheme | (string & {}) | undefined>();
    expectTypeOf(expired.data.state?.val.status).toEqualTypeOf<
      ConnectedAccountStatus | (string & {}) | undefined
    >();
  });
});

describe('the type constants', () => {
  it('WebhookEventType uses Composio key names for the same strings', () => {
    expectTypeOf(
      WebhookEventType.CONNECTION_EXPIRED,
    ).toEqualTypeOf<'composio.connected_account.expired'>();
    expectTypeOf(WebhookEventType.TRIGGER_MESSAGE).toEqualTypeOf<'composio.trigger.message'>();
    expectTypeOf(WebhookEventType.TRIGGER_DISABLED).toEqualTypeOf<'composio.trigger.disabled'>();
    expectTypeOf(WebhookEventType.CONNECTION_EXPIRED).toEqualTypeOf(
      ComposioEventType.ConnectionExpired,
    );
    // @ts-expect-error the constants are read-only
    WebhookEventType.CONNECTION_EXPIRED = 'composio.x';
    // @ts-expect-error there is no such key
    WebhookEventType.CONNECTION_REFRESHED;
  });
});

describe('TriggerPayloads augmentation', () => {
  it('types the data of a declared slug', () => {
    expectTypeOf<
      TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>['data']
    >().toEqualTypeOf<PullRequest>();
    expectTypeOf<TriggerData<'GITHUB_PULL_REQUEST_EVENT'>>().toEqualTypeOf<PullRequest>();
    expectTypeOf<
      TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>['metadata']['trigger_slug']
    >().toEqualTypeOf<'GITHUB_PULL_REQUEST_EVENT'>();
    expectTypeOf<'GITHUB_PULL_REQUEST_EVENT'>().toExtend<KnownTriggerSlug>();
    expectTypeOf<'NOT_DECLARED'>().not.toExtend<KnownTriggerSlug>();
  });

  it('leaves undeclared slugs and the default free-form', () => {
    expectTypeOf<TriggerMessageEvent<'NOT_DECLARED'>['data']>().toEqualTypeOf<
      Record<string, unknown>
    >();
    expectTypeOf<TriggerMessageEvent['data']>().toEqualTypeOf<Record<string, unknown>>();
    // A union of slugs gives the union of their data.
    expectTypeOf<TriggerData<'GITHUB_PULL_REQUEST_EVENT' | 'NOT_DECLARED'>>().toEqualTypeOf<
      PullRequest | Record<string, unknown>
    >();
  });

  it('narrowing on the event type, then on the slug, reaches typed data', () => {
    if (
      event.type === ComposioEventType.TriggerMessage &&
      event.metadata.trigger_slug === 'GITHUB_PULL_REQUEST_EVENT'
    ) {
      const typed = event as TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>;
      expectTypeOf(typed.data.number).toBeNumber();
    }
  });

  it('reports misuse of typed data', () => {
    const pr = {} as TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>;
    expectTypeOf(pr.data.title).toBeString();
    expectTypeOf(pr.data.merged_at).toEqualTypeOf<string | null>();
    // @ts-expect-error not a field of the declared payload
    pr.data.sha;
    // @ts-expect-error number is a number
    pr.data.number.toUpperCase();
    // @ts-expect-error trigger messages carry the slug in metadata, not data.trigger_name
    pr.data.trigger_name;
    // @ts-expect-error the slug is fixed by the type parameter
    pr.metadata.trigger_slug = 'GMAIL_NEW_GMAIL_MESSAGE';
    // @ts-expect-error merged_at may be null
    pr.data.merged_at.toUpperCase();
  });

  it('the testing builder follows the augmentation', () => {
    const built = buildTriggerMessage({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      data: { action: 'opened', number: 7, title: 'Add tests', merged_at: null },
    });
    expectTypeOf(built).toEqualTypeOf<TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>>();
    expectTypeOf(built.data).toEqualTypeOf<PullRequest>();
    buildTriggerMessage({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      // @ts-expect-error data must match the declared payload of the slug
      data: { action: 'merged', number: 7, title: 'x', merged_at: null },
    });
    buildTriggerMessage({ slug: 'ANY_OTHER_SLUG', data: { free: 'form' } });
    expectTypeOf(buildTriggerMessage()).toEqualTypeOf<TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>>();
  });
});

describe('deliveries', () => {
  it('verifyWebhook and createWebhookVerifier return a typed delivery', async () => {
    const { body, headers } = await signWebhook({ payload: buildTriggerMessage(), secret: 's' });
    expectTypeOf(headers).toEqualTypeOf<SignedWebhookHeaders>();
    // The signWebhook result feeds the verifier as is.
    const delivery = await verifyWebhook({ payload: body, headers, secret: 's' });
    expectTypeOf(delivery).toEqualTypeOf<WebhookDelivery<ComposioEvent>>();
    expectTypeOf(delivery.version).toEqualTypeOf<'V1' | 'V2' | 'V3'>();
    expectTypeOf(delivery.attempt).toEqualTypeOf<number | undefined>();
    expectTypeOf(delivery.raw).toBeUnknown();
    const verifier = createWebhookVerifier({ secret: ['new', 'old'] });
    expectTypeOf(verifier.verify).returns.resolves.toEqualTypeOf<WebhookDelivery>();
    await verifier.verify(new Uint8Array(), new Headers());
    await verifier.verify('{}', { 'webhook-id': ['a', 'b'], 'webhook-timestamp': undefined });
  });

  it('rejects misuse of the verification API', () => {
    // @ts-expect-error the raw body is a string or bytes, never a parsed object
    verifyWebhook({ payload: { id: 'x' }, headers: {}, secret: 's' });
    // @ts-expect-error secretFormat is 'raw' or 'standard'
    createWebhookVerifier({ secret: 's', secretFormat: 'base64' });
    // @ts-expect-error tolerance is a number of seconds
    createWebhookVerifier({ secret: 's', tolerance: '300' });
    // @ts-expect-error verifyWebhook needs the secret (only createWebhookVerifier reads the env)
    verifyWebhook({ payload: '', headers: {} });
  });
});
