/**
 * No payload version lets the body change a prototype: `__proto__`, `constructor` and
 * `prototype` keys stay own data properties of the event (JSON.parse keeps them as ordinary
 * keys; copying them by assignment, as V2 normalisation once did, swapped the prototype of
 * `event.data`), no inherited property appears, and `Object.prototype` is never polluted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ComposioEventType, type WebhookDelivery } from './events.js';
import { parsePayload } from './parse.js';
import { createWebhookReceiver } from './receiver.js';
import { createWebhookRouter } from './router.js';
import { signWebhook } from './sign.js';
import {
  buildConnectionExpired,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
} from './testing.js';

const SECRET = 'prototype-tests-secret';
const context = { id: 'msg_7a7e3c1d-0000-4000-8000-00000000beef', timestamp: 1_763_630_142 };

/** Hostile keys as JSON.parse produces them: own properties named `__proto__` and the like. */
function hostile(): Record<string, unknown> {
  return JSON.parse(
    '{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"nested":{"__proto__":{"polluted":"yes"}},"list":[{"__proto__":{"polluted":"yes"}}]}',
  ) as Record<string, unknown>;
}

const bodies: [string, 'V1' | 'V2' | 'V3', () => unknown][] = [
  ['V1 trigger payload', 'V1', () => buildV1TriggerPayload({ payload: hostile() })],
  ['V2 trigger payload', 'V2', () => buildV2TriggerPayload({ data: hostile() })],
  ['V3 trigger message', 'V3', () => buildTriggerMessage({ data: hostile() as never })],
  [
    'V3 connection expired',
    'V3',
    () => {
      const event = buildConnectionExpired();
      return { ...event, data: { ...event.data, ...hostile() } };
    },
  ],
  [
    'V3 unknown event',
    'V3',
    () => ({ ...buildUnknownEvent('composio.something.new'), data: hostile() }),
  ],
];

function expectOwnHostileKeys(value: unknown): void {
  const data = value as Record<string, unknown>;
  expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    expect(Object.keys(data)).toContain(key);
    const descriptor = Object.getOwnPropertyDescriptor(data, key);
    expect(descriptor).toMatchObject({ enumerable: true, writable: true });
    expect(typeof descriptor?.value).toBe('object');
  }
  expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual(
    JSON.parse('{"polluted":"yes","isAdmin":true}'),
  );
  // Nothing inherited from the hostile object.
  expect('polluted' in data).toBe(false);
  expect('isAdmin' in data).toBe(false);
  expect(data.polluted).toBeUndefined();
  const nested = data.nested as Record<string, unknown>;
  expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
  expect(Object.hasOwn(nested, '__proto__')).toBe(true);
  expect('polluted' in nested).toBe(false);
  const item = (data.list as Record<string, unknown>[])[0] as Record<string, unknown>;
  expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
  expect('polluted' in item).toBe(false);
}

function expectObjectPrototypeClean(): void {
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
}

afterEach(expectObjectPrototypeClean);

describe('hostile keys in every payload version', () => {
  it.each(bodies)('%s: the body really carries the keys as JSON text', (_name, _version, build) => {
    const text = JSON.stringify(build());
    expect(text).toContain('"__proto__":{"polluted":"yes"');
    expect(text).toContain('"constructor":{"prototype"');
  });

  it.each(bodies)(
    '%s: parsed, they stay own data properties of event.data',
    (_, version, build) => {
      const parsed = parsePayload(JSON.stringify(build()), context);
      expect(parsed.version).toBe(version);
      expectOwnHostileKeys(parsed.event.data);
      // The body as sent keeps them too.
      const raw = parsed.raw as Record<string, Record<string, unknown>>;
      expectOwnHostileKeys(version === 'V1' ? raw.payload : raw.data);
    },
  );

  it.each(bodies)(
    '%s: delivered through receive(), the handler sees the same',
    async (_, version, build) => {
      const seen: WebhookDelivery[] = [];
      const router = createWebhookRouter().onAny((_event, delivery) => {
        seen.push(delivery);
      });
      const receiver = createWebhookReceiver({ router, secret: SECRET, logger: false });
      const signed = await signWebhook({ payload: JSON.stringify(build()), secret: SECRET });
      const response = await receiver.receive(signed);
      expect(response.status).toBe(200);
      expect(seen).toHaveLength(1);
      const [delivery] = seen as [WebhookDelivery];
      expect(delivery.version).toBe(version);
      expectOwnHostileKeys(delivery.event.data);
      if (version !== 'V3') expect(delivery.event.type).toBe(ComposioEventType.TriggerMessage);
    },
  );
});
