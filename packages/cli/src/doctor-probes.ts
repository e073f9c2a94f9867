/**
 * The requests `doctor` sends, and the answer each must get from an endpoint set up as
 * documented (the receiver's status table).
 */
import type { SecretFormat } from '@composio-webhooks/core';
import { buildTriggerMessage, messageId, signWebhook } from '@composio-webhooks/core/testing';
import { formatBytes } from './format.js';
import { type EndpointAnswer, type SignedRequest, signDelivery } from './http.js';

/** The trigger slug of doctor's test events: no slug handler of a real app matches it. */
export const DOCTOR_SLUG = 'COMPOSIO_WEBHOOKS_DOCTOR';

export type ProbeKey =
  | 'valid'
  | 'duplicate'
  | 'text-plain'
  | 'wrong-secret'
  | 'standard-form'
  | 'unprefixed'
  | 'raw-form'
  | 'stale'
  | 'future'
  | 'malformed'
  | 'large'
  | 'oversize';

export interface Probe {
  key: ProbeKey;
  name: string;
  /** What a correct endpoint answers, in words: `2xx`, `401`, `200 duplicate`. */
  expected: string;
  request(): Promise<SignedRequest>;
  /** Whether the answer is the documented one. */
  passes(answer: EndpointAnswer): boolean;
}

export interface ProbeSettings {
  secret: string;
  secretFormat: SecretFormat;
  /** The endpoint's timestamp tolerance in seconds. */
  tolerance: number;
  /** The endpoint's body limit in bytes. */
  maxBody: number;
}

const is2xx = (a: EndpointAnswer) => a.status >= 200 && a.status < 300;
const now = () => Math.floor(Date.now() / 1000);
const event = (probe: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify(buildTriggerMessage({ slug: DOCTOR_SLUG, data: { probe, ...extra } }));

/** Another way of reading the same secret, as a mis-configured endpoint might. */
interface SecretVariant {
  key: ProbeKey;
  name: string;
  secret: string;
  format: SecretFormat;
}

export async function secretVariants(
  secret: string,
  format: SecretFormat,
): Promise<SecretVariant[]> {
  if (format === 'standard') {
    return [{ key: 'raw-form', name: 'secret read as a raw string', secret, format: 'raw' }];
  }
  const variants: SecretVariant[] = [];
  if (await signable(secret, 'standard')) {
    variants.push({
      key: 'standard-form',
      name: 'whsec_ form (decoded as a Standard Webhooks key)',
      secret,
      format: 'standard',
    });
  }
  if (secret.startsWith('whsec_') && secret.length > 'whsec_'.length) {
    variants.push({
      key: 'unprefixed',
      name: 'secret without its whsec_ prefix',
      secret: secret.slice('whsec_'.length),
      format: 'raw',
    });
  }
  return variants;
}

async function signable(secret: string, format: SecretFormat): Promise<boolean> {
  try {
    await signWebhook({ payload: '{}', secret, secretFormat: format });
    return true;
  } catch {
    return false;
  }
}

export async function buildProbes(settings: ProbeSettings): Promise<Probe[]> {
  const { secret, secretFormat, tolerance, maxBody } = settings;
  const sign = (
    body: string,
    extra: {
      id?: string;
      timestamp?: number;
      contentType?: string;
      attempt?: string;
      secret?: string;
      format?: SecretFormat;
    } = {},
  ) =>
    signDelivery({
      body,
      secret: extra.secret ?? secret,
      secretFormat: extra.format ?? secretFormat,
      id: extra.id,
      timestamp: extra.timestamp,
      contentType: extra.contentType,
      attempt: extra.attempt,
      via: 'doctor',
    });
  const validBody = event('valid');
  const validId = (JSON.parse(validBody) as { id: string }).id;
  const skew = tolerance + 300;
  const largeSize = 200 * 1000;
  const largeBody = event('200 KB body', { blob: 'x'.repeat(largeSize) });
  const oversizeBody = event('oversize body', { blob: 'x'.repeat(maxBody + 100 * 1024) });
  const largeFits = Buffer.byteLength(largeBody) <= maxBody;

  const probes: Probe[] = [
    {
      key: 'valid',
      name: 'valid delivery',
      expected: '2xx',
      request: () => sign(validBody),
      passes: is2xx,
    },
    {
      key: 'duplicate',
      name: 'retry of it (same webhook-id)',
      expected: '200 duplicate',
      request: () => sign(validBody, { id: validId, attempt: '2' }),
      passes: (a) => is2xx(a) && a.duplicate,
    },
    {
      key: 'text-plain',
      name: 'valid, sent as text/plain',
      expected: '2xx',
      request: () => sign(event('text/plain'), { contentType: 'text/plain' }),
      passes: is2xx,
    },
    {
      key: 'wrong-secret',
      name: 'signed with a wrong secret',
      expected: '401',
      request: () =>
        sign(event('wrong secret'), { secret: `doctor-wrong-${messageId()}`, format: 'raw' }),
      passes: (a) => a.status === 401,
    },
    ...(await secretVariants(secret, secretFormat)).map(
      (variant): Probe => ({
        key: variant.key,
        name: variant.name,
        expected: '401',
        request: () => sign(event(variant.key), { secret: variant.secret, format: variant.format }),
        passes: (a) => a.status === 401,
      }),
    ),
    {
      key: 'stale',
      name: `timestamp ${skew} s old`,
      expected: '401',
      request: () => sign(event('stale'), { timestamp: now() - skew }),
      passes: (a) => a.status === 401,
    },
    {
      key: 'future',
      name: `timestamp ${skew} s ahead`,
      expected: '401',
      request: () => sign(event('future'), { timestamp: now() + skew }),
      passes: (a) => a.status === 401,
    },
    {
      key: 'malformed',
      name: 'malformed JSON, signed',
      expected: '400',
      request: () => sign(`{"id":"${messageId()}","type":"composio.trigger.message",`),
      passes: (a) => a.status === 400,
    },
    {
      key: 'large',
      name: `200 KB body (${formatBytes(Buffer.byteLength(largeBody))})`,
      expected: largeFits ? '2xx' : '413',
      request: () => sign(largeBody),
      passes: (a) => (largeFits ? is2xx(a) : a.status === 413),
    },
    {
      key: 'oversize',
      name: `${formatBytes(Buffer.byteLength(oversizeBody))} body (over ${formatBytes(maxBody)})`,
      expected: '413',
      request: () => sign(oversizeBody),
      passes: (a) => a.status === 413,
    },
  ];
  return probes;
}

/** A probe's answer, as `doctor` reports it. */
export interface ProbeResult {
  key: ProbeKey;
  name: string;
  expected: string;
  /** `null`: no answer (the connection failed or closed). */
  status: number | null;
  code: string | null;
  duplicate: boolean;
  /** The answer is a composio-webhooks body (`{ ok, … }`), not some other layer's. */
  fromReceiver: boolean;
  /** The answer is NestJS's error body (`{ statusCode, message }`). */
  nestError: boolean;
  passed: boolean;
  durationMs: number | null;
  error: string | null;
}

export function resultOf(probe: Probe, answer: EndpointAnswer): ProbeResult {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  const object = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    key: probe.key,
    name: probe.name,
    expected: probe.expected,
    status: answer.status,
    code: answer.code ?? null,
    duplicate: answer.duplicate,
    fromReceiver: typeof object.ok === 'boolean',
    nestError: typeof object.statusCode === 'number',
    passed: probe.passes(answer),
    durationMs: answer.durationMs,
    error: null,
  };
}

/**
 * A probe that got no answer. An endpoint may close the connection on an over-size body instead
 * of reading it: that refusal passes.
 */
export function failedResult(probe: Probe, error: string, closedEarly: boolean): ProbeResult {
  return {
    key: probe.key,
    name: probe.name,
    expected: probe.expected,
    status: null,
    code: null,
    duplicate: false,
    fromReceiver: false,
    nestError: false,
    passed: probe.key === 'oversize' && closedEarly,
    durationMs: null,
    error,
  };
}
