import { describe, expect, it } from 'vitest';
import { loadPayload, payloadFiles, payloadText, rejectionOf, thrownBy } from '../test/support.js';
import { WebhookPayloadError } from './errors.js';
import {
  ComposioEventType,
  isConnectionExpired,
  isKnownEventType,
  isTriggerDisabled,
  isTriggerMessage,
  isUnknownEvent,
} from './events.js';
import { normalizePayload, parsePayload } from './parse.js';
import { createWebhookRouter } from './router.js';
import { signWebhook } from './sign.js';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
} from './testing.js';
import { createWebhookVerifier } from './verifier.js';

const context = { id: 'msg_7a7e3c1d-0000-4000-8000-000000000001', timestamp: 1_763_630_142 };
const contextIso = '2025-11-20T09:15:42.000Z';

function payloadErrorOf(body: unknown): WebhookPayloadError {
  const error = thrownBy(() =>
    typeof body === 'string' || body instanceof Uint8Array
      ? parsePayload(body, context)
      : normalizePayload(body, context),
  );
  expect(error).toBeInstanceOf(WebhookPayloadError);
  expect(error).toMatchObject({ code: 'INVALID_PAYLOAD', status: 400 });
  return error as WebhookPayloadError;
}

describe('reference payloads', () => {
  const expected: Record<(typeof payloadFiles)[number], [string, string]> = {
    'v1-trigger.json': ['V1', ComposioEventType.TriggerMessage],
    'v2-trigger.json': ['V2', ComposioEventType.TriggerMessage],
    'v3-connected-account-expired.json': ['V3', ComposioEventType.ConnectionExpired],
    'v3-trigger-disabled.json': ['V3', ComposioEventType.TriggerDisabled],
    'v3-trigger-message.json': ['V3', ComposioEventType.TriggerMessage],
  };

  it.each(payloadFiles)('%s: version and type, from text and from bytes', (file) => {
    const [version, type] = expected[file];
    for (const body of [payloadText(file), Buffer.from(payloadText(file))]) {
      const parsed = parsePayload(body, context);
      expect(parsed.version).toBe(version);
      expect(parsed.event.type).toBe(type);
      expect(parsed.raw).toEqual(loadPayload(file));
      expect(isKnownEventType(parsed.event.type)).toBe(true);
      expect(isUnknownEvent(parsed.event)).toBe(false);
    }
  });

  it.each(payloadFiles.filter((f) => f.startsWith('v3')))(
    '%s: a V3 event is the body itself, untouched',
    (file) => {
      const raw = loadPayload(file);
      const parsed = normalizePayload(raw, context);
      expect(parsed.event).toBe(raw);
      expect(parsed.event).toEqual(loadPayload(file));
    },
  );

  it('the type guards agree with the type', () => {
    const message = parsePayload(payloadText('v3-trigger-message.json'), context).event;
    const expired = parsePayload(payloadText('v3-connected-account-expired.json'), context).event;
    const disabled = parsePayload(payloadText('v3-trigger-disabled.json'), context).event;
    expect([isTriggerMessage(message), isConnectionExpired(message)]).toEqual([true, false]);
    expect([isConnectionExpired(expired), isTriggerDisabled(expired)]).toEqual([true, false]);
    expect([isTriggerDisabled(disabled), isTriggerMessage(disabled)]).toEqual([true, false]);
  });

  it('the testing builders produce payloads that parse as what they claim', () => {
    expect(normalizePayload(buildTriggerMessage(), context).event.type).toBe(
      ComposioEventType.TriggerMessage,
    );
    expect(normalizePayload(buildConnectionExpired(), context).event.type).toBe(
      ComposioEventType.ConnectionExpired,
    );
    expect(normalizePayload(buildTriggerDisabled(), context).event.type).toBe(
      ComposioEventType.TriggerDisabled,
    );
    expect(isUnknownEvent(normalizePayload(buildUnknownEvent(), context).event)).toBe(true);
    expect(normalizePayload(buildV1TriggerPayload(), context).version).toBe('V1');
    expect(normalizePayload(buildV2TriggerPayload(), context).version).toBe('V2');
    expect(normalizePayload(buildV2TriggerPayload({ userId: null }), context).version).toBe('V2');
  });
});

describe('V2 normalization', () => {
  it('becomes a V3 trigger message: slug upper-cased, bookkeeping moved to metadata', () => {
    const raw = loadPayload('v2-trigger.json');
    const parsed = normalizePayload(raw, context);
    expect(parsed.version).toBe('V2');
    expect(parsed.event).toEqual({
      id: context.id,
      type: 'composio.trigger.message',
      timestamp: '2026-11-20T09:15:42.512Z',
      metadata: {
        log_id: 'log_7Hq2LmX9aPzR',
        trigger_slug: 'GITHUB_COMMIT_EVENT',
        trigger_id: 'ti_3kW9pQ2xY7aB',
        connected_account_id: 'ca_8NfR2dLk5sVq',
        auth_config_id: '',
        user_id: 'user-42',
      },
      data: { author: 'octocat', message: 'Fix the flaky test' },
    });
  });

  it('keeps the original, unmodified, in raw', () => {
    const raw = loadPayload('v2-trigger.json');
    const parsed = normalizePayload(raw, context);
    expect(parsed.raw).toBe(raw);
    expect(raw).toEqual(loadPayload('v2-trigger.json'));
    expect((raw.data as Record<string, unknown>).connection_id).toBe(
      '5b0f1f3e-2a4c-4d7a-9b1e-3c2d1e0f9a8b',
    );
  });

  it('falls back to the long ids when the nano ids are absent', () => {
    const raw = loadPayload('v2-trigger.json');
    const data = raw.data as Record<string, unknown>;
    delete data.connection_nano_id;
    delete data.trigger_nano_id;
    const { event } = normalizePayload(raw, context);
    expect(event.metadata).toMatchObject({
      trigger_id: '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b',
      connected_account_id: '5b0f1f3e-2a4c-4d7a-9b1e-3c2d1e0f9a8b',
    });
  });

  it('a missing or null user_id is null; a missing timestamp or log_id is filled in', () => {
    const raw = loadPayload('v2-trigger.json');
    const data = raw.data as Record<string, unknown>;
    delete data.user_id;
    delete raw.timestamp;
    delete raw.log_id;
    const { event } = normalizePayload(raw, context);
    expect(event.metadata).toMatchObject({ user_id: null, log_id: '' });
    expect(event.timestamp).toBe(contextIso);
    data.user_id = null;
    expect(normalizePayload(raw, context).event.metadata).toMatchObject({ user_id: null });
  });

  it('the trigger fields, nested and unknown ones included, pass through as data', () => {
    const raw = loadPayload('v2-trigger.json');
    const extra = { nested: { deep: [1, { x: null }] }, flag: false, n: 0, user: 'someone' };
    Object.assign(raw.data as object, extra);
    raw.extra_top = 'kept in raw';
    const parsed = normalizePayload(raw, context);
    expect(parsed.event.data).toEqual({
      author: 'octocat',
      message: 'Fix the flaky test',
      ...extra,
    });
    expect((parsed.raw as Record<string, unknown>).extra_top).toBe('kept in raw');
  });

  it.each([
    [
      'no trigger id',
      ['trigger_nano_id', 'trigger_id'],
      /data\.trigger_nano_id or data\.trigger_id/,
    ],
    [
      'no connection id',
      ['connection_nano_id', 'connection_id'],
      /data\.connection_nano_id or data\.connection_id/,
    ],
  ])('%s is INVALID_PAYLOAD naming the field', (_name, keys, pattern) => {
    const raw = loadPayload('v2-trigger.json');
    for (const key of keys) delete (raw.data as Record<string, unknown>)[key];
    expect(payloadErrorOf(raw).message).toMatch(pattern);
  });

  it('a non-string user_id or log_id is INVALID_PAYLOAD naming the field', () => {
    const raw = loadPayload('v2-trigger.json');
    (raw.data as Record<string, unknown>).user_id = 42;
    expect(payloadErrorOf(raw).message).toContain('data.user_id');
    const other = loadPayload('v2-trigger.json');
    other.log_id = { id: 1 };
    expect(payloadErrorOf(other).message).toContain('log_id');
  });
});

describe('V1 normalization', () => {
  it('becomes a V3 trigger message; id and time come from the headers', () => {
    const raw = loadPayload('v1-trigger.json');
    const parsed = normalizePayload(raw, context);
    expect(parsed.version).toBe('V1');
    expect(parsed.event).toEqual({
      id: context.id,
      type: 'composio.trigger.message',
      timestamp: contextIso,
      metadata: {
        log_id: 'log_7Hq2LmX9aPzR',
        trigger_slug: 'GITHUB_COMMIT_EVENT',
        trigger_id: '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b',
        connected_account_id: '5b0f1f3e-2a4c-4d7a-9b1e-3c2d1e0f9a8b',
        auth_config_id: '',
        user_id: null,
      },
      data: { author: 'octocat', message: 'Fix the flaky test' },
    });
    expect(parsed.raw).toBe(raw);
    expect(raw).toEqual(loadPayload('v1-trigger.json'));
  });

  it('a lower-case trigger_name is upper-cased like a V2 type; raw keeps it as sent', async () => {
    // The V1 example of Composio's newest spec sends the slug in lower case.
    const raw = { ...loadPayload('v1-trigger.json'), trigger_name: 'github_commit_event' };
    const parsed = normalizePayload(raw, context);
    expect(parsed.event).toMatchObject({ metadata: { trigger_slug: 'GITHUB_COMMIT_EVENT' } });
    expect((parsed.raw as Record<string, unknown>).trigger_name).toBe('github_commit_event');
    const seen: string[] = [];
    const router = createWebhookRouter().onTrigger('GITHUB_COMMIT_EVENT', (event) => {
      seen.push(event.metadata.trigger_slug);
    });
    await router.dispatch({ id: context.id, timestamp: context.timestamp, ...parsed });
    expect(seen).toEqual(['GITHUB_COMMIT_EVENT']);
  });

  it('extra fields of the payload pass through', () => {
    const raw = loadPayload('v1-trigger.json');
    (raw.payload as Record<string, unknown>).added_later = { a: [1, 2] };
    expect(normalizePayload(raw, context).event.data).toMatchObject({ added_later: { a: [1, 2] } });
  });

  it.each([
    [
      'connection_id missing',
      (r: Record<string, unknown>) => delete r.connection_id,
      'connection_id',
    ],
    ['trigger_id a number', (r: Record<string, unknown>) => (r.trigger_id = 5), 'trigger_id'],
    ['payload null', (r: Record<string, unknown>) => (r.payload = null), 'payload'],
    ['payload an array', (r: Record<string, unknown>) => (r.payload = [1]), 'payload'],
    ['log_id a number', (r: Record<string, unknown>) => (r.log_id = 1), 'log_id'],
  ])('%s is INVALID_PAYLOAD naming the field', (_name, mutate, field) => {
    const raw = loadPayload('v1-trigger.json');
    mutate(raw);
    expect(payloadErrorOf(raw).message).toContain(field);
  });
});

describe('V3 validation', () => {
  type Mutation = [string, (raw: Record<string, unknown>) => void, string];
  const meta = (raw: Record<string, unknown>) => raw.metadata as Record<string, unknown>;
  const data = (raw: Record<string, unknown>) => raw.data as Record<string, unknown>;

  const triggerMessage: Mutation[] = [
    ['id missing', (r) => delete r.id, 'id'],
    ['id a number', (r) => (r.id = 7), 'id'],
    ['timestamp a number', (r) => (r.timestamp = 1763630142), 'timestamp'],
    ['metadata missing', (r) => delete r.metadata, 'metadata'],
    ['metadata a string', (r) => (r.metadata = 'GITHUB_COMMIT_EVENT'), 'metadata'],
    ['metadata an array', (r) => (r.metadata = []), 'metadata'],
    ['trigger_slug missing', (r) => delete meta(r).trigger_slug, 'metadata.trigger_slug'],
    ['trigger_slug a number', (r) => (meta(r).trigger_slug = 1), 'metadata.trigger_slug'],
    ['trigger_id null', (r) => (meta(r).trigger_id = null), 'metadata.trigger_id'],
    [
      'connected_account_id missing',
      (r) => delete meta(r).connected_account_id,
      'metadata.connected_account_id',
    ],
    ['user_id a number', (r) => (meta(r).user_id = 42), 'metadata.user_id'],
    ['user_id an object', (r) => (meta(r).user_id = { id: 'u' }), 'metadata.user_id'],
    ['log_id a number', (r) => (meta(r).log_id = 3), 'metadata.log_id'],
    ['auth_config_id a boolean', (r) => (meta(r).auth_config_id = true), 'metadata.auth_config_id'],
    ['data missing', (r) => delete r.data, 'data'],
    ['data null', (r) => (r.data = null), 'data'],
    ['data an array', (r) => (r.data = [{ author: 'octocat' }]), 'data'],
    ['data a string', (r) => (r.data = '{"author":"octocat"}'), 'data'],
  ];

  it.each(triggerMessage)(
    'trigger message, %s → INVALID_PAYLOAD naming the field',
    (_n, mutate, field) => {
      const raw = loadPayload('v3-trigger-message.json');
      mutate(raw);
      const error = payloadErrorOf(raw);
      expect(error.message).toContain(field);
      expect(error.message).toContain('composio.trigger.message');
    },
  );

  const connectionExpired: Mutation[] = [
    ['metadata missing', (r) => delete r.metadata, 'metadata'],
    ['project_id a number', (r) => (meta(r).project_id = 1), 'metadata.project_id'],
    ['org_id a number', (r) => (meta(r).org_id = 1), 'metadata.org_id'],
    ['data missing', (r) => delete r.data, 'data'],
    ['data.id missing', (r) => delete data(r).id, 'data.id'],
    ['data.toolkit missing', (r) => delete data(r).toolkit, 'data.toolkit'],
    ['data.toolkit a string', (r) => (data(r).toolkit = 'gmail'), 'data.toolkit'],
    ['data.toolkit.slug missing', (r) => (data(r).toolkit = {}), 'data.toolkit.slug'],
    ['data.status missing', (r) => delete data(r).status, 'data.status'],
    ['data.status_reason a number', (r) => (data(r).status_reason = 3), 'data.status_reason'],
    ['data.auth_config a string', (r) => (data(r).auth_config = 'ac_1'), 'data.auth_config'],
    ['data.state an array', (r) => (data(r).state = []), 'data.state'],
    [
      'data.state.authScheme missing',
      (r) => (data(r).state = { val: { status: 'EXPIRED' } }),
      'data.state.authScheme',
    ],
    [
      'data.state.val a string',
      (r) => (data(r).state = { authScheme: 'OAUTH2', val: 'EXPIRED' }),
      'data.state.val',
    ],
  ];

  it.each(connectionExpired)(
    'connection expired, %s → INVALID_PAYLOAD naming the field',
    (_n, mutate, field) => {
      const raw = loadPayload('v3-connected-account-expired.json');
      mutate(raw);
      expect(payloadErrorOf(raw).message).toContain(field);
    },
  );

  const triggerDisabled: Mutation[] = [
    ['metadata missing', (r) => delete r.metadata, 'metadata'],
    ['data missing', (r) => delete r.data, 'data'],
    ['data.id a number', (r) => (data(r).id = 9), 'data.id'],
    [
      'data.connected_account_id missing',
      (r) => delete data(r).connected_account_id,
      'data.connected_account_id',
    ],
    ['data.trigger_name missing', (r) => delete data(r).trigger_name, 'data.trigger_name'],
    ['data.user_id a number', (r) => (data(r).user_id = 5), 'data.user_id'],
    ['data.trigger_config a string', (r) => (data(r).trigger_config = 'x'), 'data.trigger_config'],
    ['data.disabled_at a number', (r) => (data(r).disabled_at = 0), 'data.disabled_at'],
    ['data.disabled_reason null', (r) => (data(r).disabled_reason = null), 'data.disabled_reason'],
  ];

  it.each(triggerDisabled)(
    'trigger disabled, %s → INVALID_PAYLOAD naming the field',
    (_n, mutate, field) => {
      const raw = loadPayload('v3-trigger-disabled.json');
      mutate(raw);
      expect(payloadErrorOf(raw).message).toContain(field);
    },
  );

  it('names every problem of a payload at once', () => {
    const raw = loadPayload('v3-trigger-message.json');
    delete meta(raw).trigger_slug;
    meta(raw).user_id = 1;
    raw.data = [];
    const { message } = payloadErrorOf(raw);
    expect(message).toContain('metadata.trigger_slug');
    expect(message).toContain('metadata.user_id');
    expect(message).toMatch(/\bdata must be an object/);
  });

  it('null where the schema allows it is fine', () => {
    const message = loadPayload('v3-trigger-message.json');
    meta(message).user_id = null;
    expect(normalizePayload(message, context).event.metadata).toMatchObject({ user_id: null });
    const expired = loadPayload('v3-connected-account-expired.json');
    data(expired).status_reason = null;
    expect(normalizePayload(expired, context).event.type).toBe(ComposioEventType.ConnectionExpired);
    const disabled = loadPayload('v3-trigger-disabled.json');
    expect(data(disabled).user_id).toBeNull();
    expect(normalizePayload(disabled, context).event.type).toBe(ComposioEventType.TriggerDisabled);
  });

  // What Composio may leave out (its SDK's schemas; the types mark these optional): a delivery
  // without them is accepted as it is, through the verifier too.
  const omissible: [
    (typeof payloadFiles)[number],
    string,
    (raw: Record<string, unknown>) => void,
  ][] = [
    ['v3-trigger-message.json', 'timestamp', (r) => delete r.timestamp],
    ['v3-trigger-message.json', 'metadata.user_id', (r) => delete meta(r).user_id],
    ['v3-trigger-disabled.json', 'data.user_id', (r) => delete data(r).user_id],
    ['v3-trigger-disabled.json', 'data.trigger_config', (r) => delete data(r).trigger_config],
    ['v3-trigger-disabled.json', 'data.disabled_at', (r) => delete data(r).disabled_at],
    ['v3-trigger-disabled.json', 'data.disabled_reason', (r) => delete data(r).disabled_reason],
    ['v3-connected-account-expired.json', 'metadata.org_id', (r) => delete meta(r).org_id],
    ['v3-connected-account-expired.json', 'data.state', (r) => delete data(r).state],
  ];

  it.each(omissible)('%s without %s is accepted as sent', async (file, _field, drop) => {
    const raw = loadPayload(file);
    drop(raw);
    const snapshot = structuredClone(raw);
    expect(normalizePayload(raw, context).event).toEqual(snapshot);
    const secret = 'omissible-secret';
    const signed = await signWebhook({ payload: raw, secret });
    const verifier = createWebhookVerifier({ secret });
    await expect(verifier.verify(signed.body, signed.headers)).resolves.toMatchObject({
      event: snapshot,
    });
  });

  it('all of them missing at once: still accepted', () => {
    for (const file of new Set(omissible.map(([name]) => name))) {
      const raw = loadPayload(file);
      for (const [name, , drop] of omissible) if (name === file) drop(raw);
      expect(normalizePayload(raw, context).event).toEqual(structuredClone(raw));
    }
  });

  it('fields the schema does not name pass through untouched, at every level', () => {
    const raw = loadPayload('v3-connected-account-expired.json');
    raw.added_top = { any: ['thing'] };
    meta(raw).region = 'eu-west-1';
    data(raw).word_id = 'gmail_red-castle';
    data(raw).brand_new = { nested: { deep: true } };
    (data(raw).toolkit as Record<string, unknown>).logo = 'https://example.com/gmail.svg';
    data(raw).status = 'SOME_FUTURE_STATUS';
    const snapshot = structuredClone(raw);
    const { event } = normalizePayload(raw, context);
    expect(event).toEqual(snapshot);
    const message = loadPayload('v3-trigger-message.json');
    meta(message).new_meta = 1;
    data(message).anything = [null, { a: 1 }];
    expect(normalizePayload(message, context).event).toEqual(structuredClone(message));
  });

  it('trigger data is free-form: an empty object is fine', () => {
    const raw = loadPayload('v3-trigger-message.json');
    raw.data = {};
    expect(normalizePayload(raw, context).event.data).toEqual({});
  });
});

describe('unknown composio.* types', () => {
  it.each([
    'composio.connected_account.refreshed',
    'composio.trigger.message.v2',
    'composio.',
    'composio.Trigger.Message',
  ])('%s is accepted as an unknown event, untouched', (type) => {
    const raw = { ...buildUnknownEvent(), type, extra: { kept: true } };
    const parsed = normalizePayload(raw, context);
    expect(parsed.version).toBe('V3');
    expect(parsed.event).toBe(raw);
    expect(parsed.event.type).toBe(type);
    expect(isUnknownEvent(parsed.event)).toBe(true);
    expect(isKnownEventType(parsed.event.type)).toBe(false);
  });

  it('needs neither metadata nor data, and any data shape is fine', () => {
    for (const raw of [
      { id: context.id, type: 'composio.project.created' },
      { id: context.id, type: 'composio.x', data: [1, 2, 3] },
      { id: context.id, type: 'composio.x', data: 'text', metadata: {} },
    ]) {
      expect(isUnknownEvent(normalizePayload(raw, context).event)).toBe(true);
    }
  });

  it('still needs an id, and a metadata object when it has one', () => {
    expect(payloadErrorOf({ type: 'composio.x', data: {} }).message).toContain(
      'id must be a string',
    );
    expect(payloadErrorOf({ id: context.id, type: 'composio.x', metadata: 'm' }).message).toContain(
      'metadata',
    );
  });
});

describe('bodies that are not Composio payloads', () => {
  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '{"id":"msg_1","type":"composio.trigger.message"'],
    ['empty', ''],
    ['a JSON array', '[{"id":"msg_1","type":"composio.trigger.message"}]'],
    ['a JSON number', '42'],
    ['a JSON string', '"composio.trigger.message"'],
    ['JSON null', 'null'],
    ['JSON true', 'true'],
    ['an object of another service', '{"event":"push","repository":{}}'],
    ['an empty object', '{}'],
    ['a type without data', '{"type":"github_commit_event"}'],
    ['a type with non-object data', '{"type":"github_commit_event","data":"x"}'],
    ['a numeric type', '{"type":5,"data":{}}'],
    ['trigger_name without payload', '{"trigger_name":"GITHUB_COMMIT_EVENT"}'],
  ])('%s → INVALID_PAYLOAD', (_name, body) => {
    payloadErrorOf(body);
    payloadErrorOf(Buffer.from(body));
  });

  it('the messages say what is wrong', () => {
    expect(payloadErrorOf('hello').message).toMatch(/not valid JSON/);
    expect(payloadErrorOf('[1]').message).toMatch(/not an object/);
    expect(payloadErrorOf('{}').message).toMatch(/not a Composio payload/);
  });

  it.each([
    ['an invalid byte', [0x7b, 0x22, 0xff, 0x22, 0x7d]],
    ['a lone continuation byte', [0x7b, 0x7d, 0x80]],
    ['a truncated sequence', [0x7b, 0x22, 0xe2, 0x82, 0x22, 0x7d]],
    ['an overlong encoding', [0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]],
    ['an encoded surrogate', [0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]],
  ])('bytes with %s → INVALID_PAYLOAD (UTF-8)', (_name, bytes) => {
    const error = payloadErrorOf(new Uint8Array(bytes));
    expect(error.message).toMatch(/UTF-8/);
  });

  it('UTF-16 bytes are not silently accepted', () => {
    const utf16 = Buffer.from(payloadText('v3-trigger-message.json'), 'utf16le');
    payloadErrorOf(utf16);
  });

  it('a UTF-8 byte order mark is ignored in bytes', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(payloadText('v3-trigger-message.json')),
    ]);
    expect(parsePayload(bytes, context).event.type).toBe(ComposioEventType.TriggerMessage);
  });

  it('multi-byte characters survive decoding', () => {
    const event = buildTriggerMessage({ data: { text: 'ünïcödé — 你好 🎉', emoji: '\u{1f511}' } });
    const parsed = parsePayload(Buffer.from(JSON.stringify(event)), context);
    expect(parsed.event).toEqual(event);
  });
});

describe('through the verifier', () => {
  const secret = 'parse-test-secret';
  const verifier = createWebhookVerifier({ secret, tolerance: 0 });

  it.each(payloadFiles)('%s verifies into the right version and type', async (file) => {
    const text = payloadText(file);
    const { body, headers } = await signWebhook({ payload: text, secret });
    expect(body).toBe(text);
    // V3 bodies carry their id (signWebhook sends it as webhook-id); V1/V2 get a fresh one.
    const id = (loadPayload(file).id as string | undefined) ?? headers['webhook-id'];
    expect(headers['webhook-id']).toBe(id);
    const delivery = await verifier.verify(Buffer.from(body), headers);
    expect(delivery.version).toBe(parsePayload(text, context).version);
    expect(delivery.raw).toEqual(loadPayload(file));
    expect(delivery.event.id).toBe(id);
    expect(delivery.id).toBe(id);
    expect(headers['x-composio-webhook-version']).toBe(delivery.version);
  });

  it('a malformed known event that is correctly signed is INVALID_PAYLOAD (400), not 401', async () => {
    const raw = loadPayload('v3-trigger-disabled.json');
    delete (raw.data as Record<string, unknown>).trigger_name;
    const { body, headers } = await signWebhook({ payload: raw, secret });
    const error = await rejectionOf(verifier.verify(body, headers));
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect(error).toMatchObject({ code: 'INVALID_PAYLOAD', status: 400 });
    expect((error as Error).message).toContain('data.trigger_name');
  });

  it('JSON is parsed only after the signature holds', async () => {
    const { headers } = await signWebhook({ payload: '{"valid":"json"}', secret });
    const error = await rejectionOf(verifier.verify('not json at all', headers));
    expect(error).toMatchObject({ code: 'INVALID_SIGNATURE' });
  });
});

describe('required trigger-message metadata and error hygiene', () => {
  it.each(['log_id', 'auth_config_id', 'trigger_id', 'connected_account_id'])(
    'a V3 trigger message without metadata.%s is INVALID_PAYLOAD naming it',
    (field) => {
      const event = buildTriggerMessage() as unknown as { metadata: Record<string, unknown> };
      delete event.metadata[field];
      const error = payloadErrorOf(JSON.stringify(event));
      expect(error.code).toBe('INVALID_PAYLOAD');
      expect(error.message).toContain(`metadata.${field} must be a string`);
    },
  );

  it('a JSON syntax error keeps no cause, so no piece of the body reaches logs', () => {
    const error = payloadErrorOf('{"id": "msg_1", "secret_field": "s3cr3t-value" ');
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.cause).toBeUndefined();
    expect(error.message).not.toContain('s3cr3t-value');
  });
});
