/**
 * `listen --forward-to`: each verified delivery signed again for the target (same body and
 * webhook-id, fresh timestamp) and POSTed there; the target's answer is what the sender gets.
 * Never in a loop: a target that is this listen is refused at start-up, and a forwarded request
 * that comes back (a name resolving here, a proxy, two listens forwarding to each other) is
 * answered 508 instead of being forwarded again.
 */
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { SecretFormat } from '@composio-webhooks/core';
import { HEADER_ATTEMPT } from '@composio-webhooks/core/adapter';
import { CliError } from './context.js';
import { type EndpointAnswer, post, signDelivery } from './http.js';

export interface ForwardOptions {
  url: string;
  secret: string;
  secretFormat: SecretFormat;
  timeoutMs: number;
}

export interface ForwardResult {
  url: string;
  status: number | null;
  code: string | null;
  duplicate: boolean;
  durationMs: number | null;
  /** Why the target could not be reached (or redirected, which is not followed). */
  error: string | null;
}

/** An answer as `listen` writes it. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The listens a forwarded request went through (their instance ids, comma-separated). */
export const FORWARDED_BY_HEADER = 'x-composio-webhooks-forwarded-by';

export const jsonAnswer = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Forwarding for one `listen` process. */
export function createForwarder(target: ForwardOptions) {
  const instance = randomUUID();
  const hopsOf = (req: IncomingMessage) =>
    (firstHeader(req, FORWARDED_BY_HEADER) ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');

  return {
    /** True when `req` is a delivery this listen forwarded, come back to it. */
    isLoop: (req: IncomingMessage) => hopsOf(req).includes(instance),

    /** Re-signs the body for the target and relays its answer (502 when it cannot be had). */
    async send(
      req: IncomingMessage,
      body: Uint8Array,
      id: string,
    ): Promise<{ answer: Answer; result: ForwardResult }> {
      const signed = await signDelivery({
        body: Buffer.from(body).toString('utf8'),
        secret: target.secret,
        secretFormat: target.secretFormat,
        id,
        attempt: firstHeader(req, HEADER_ATTEMPT),
        contentType: firstHeader(req, 'content-type'),
        via: 'listen --forward-to',
      });
      signed.headers[FORWARDED_BY_HEADER] = [...hopsOf(req), instance].join(', ');
      let got: EndpointAnswer;
      try {
        got = await post(target.url, signed, target.timeoutMs);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const code =
          error instanceof CliError ? String(error.details.code ?? 'NETWORK_ERROR') : null;
        return {
          answer: jsonAnswer(502, { ok: false, error: { code: 'FORWARD_FAILED', message } }),
          result: { ...unanswered(target.url), code, error: message },
        };
      }
      const relayed: Record<string, string> = {};
      for (const name of ['content-type', 'retry-after']) {
        const value = got.headers.get(name);
        if (value !== null) relayed[name] = value;
      }
      return {
        answer: { status: got.status, headers: relayed, body: got.text },
        result: {
          url: target.url,
          status: got.status,
          code: got.code ?? null,
          duplicate: got.duplicate,
          durationMs: got.durationMs,
          error: null,
        },
      };
    },
  };
}

function unanswered(url: string): ForwardResult {
  return { url, status: null, code: null, duplicate: false, durationMs: null, error: null };
}

/**
 * Whether `url` is the server listening at `address`: the same port, and a host that resolves to
 * the address it is bound to (any local address when bound to all of them).
 */
export async function isOwnAddress(url: string, address: AddressInfo): Promise<boolean> {
  const target = new URL(url);
  const port = target.port === '' ? (target.protocol === 'https:' ? 443 : 80) : Number(target.port);
  if (port !== address.port) return false;
  let resolved: string[];
  try {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    resolved = (await lookup(host, { all: true })).map((entry) => plain(entry.address));
  } catch {
    return false; // a name that does not resolve cannot be this server
  }
  const bound = plain(address.address);
  if (bound !== '0.0.0.0' && bound !== '::') return resolved.includes(bound);
  const local = new Set(['127.0.0.1', '::1']);
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) local.add(plain(entry.address));
  }
  return resolved.some((ip) => local.has(ip) || ip.startsWith('127.'));
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
function plain(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
