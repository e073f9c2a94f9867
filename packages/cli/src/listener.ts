/**
 * What `listen` does with one request: read the body, let core's receiver verify and dedupe it
 * (so the answers are the adapters' answers, duplicates included), then record it and forward it
 * re-signed when asked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import {
  createWebhookReceiver,
  createWebhookRouter,
  isTriggerMessage,
  type ReceiverOutcome,
  type SecretFormat,
  type WebhookDelivery,
} from '@composio-webhooks/core';
import { HEADER_ATTEMPT, HEADER_ID } from '@composio-webhooks/core/adapter';
import { CliError } from './context.js';
import { type EndpointAnswer, post, signDelivery } from './http.js';
import { encodeBody, pickHeaders, type Recorder } from './recording.js';

export interface ListenerOptions {
  secrets: string[];
  secretFormat: SecretFormat;
  tolerance: number | undefined;
  maxBody: number;
  forward?: ForwardOptions | undefined;
  recorder?: Recorder | undefined;
}

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
  /** Why the target could not be reached. */
  error: string | null;
}

/** One request as `listen` prints it (`--json`: one such object per line). */
export interface ListenRecord {
  time: string;
  method: string;
  path: string;
  status: number;
  verified: boolean;
  id: string | null;
  code?: string;
  reason?: string;
  version?: string;
  attempt?: number | null;
  type?: string;
  triggerSlug?: string | null;
  duplicate?: boolean;
  duplicateOfMsAgo?: number | null;
  event?: unknown;
  forward?: ForwardResult;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface FirstSeen {
  at: number;
  type: string;
  triggerSlug: string | null;
  version: string;
}

/** What the receiver reported while handling one request. */
interface Slot {
  outcome?: ReceiverOutcome;
  delivery?: WebhookDelivery;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export function createListener(options: ListenerOptions) {
  const slots = new AsyncLocalStorage<Slot>();
  const seen = new Map<string, FirstSeen>();
  const router = createWebhookRouter().onAny((_event, delivery) => {
    const slot = slots.getStore();
    if (slot) slot.delivery = delivery;
  });
  const receiver = createWebhookReceiver({
    secret: options.secrets,
    secretFormat: options.secretFormat,
    tolerance: options.tolerance,
    router,
    // Forwarding hands every copy to the target, whose own dedupe is then what runs.
    idempotency: options.forward ? false : undefined,
    maxBodyBytes: options.maxBody,
    logger: false,
    onOutcome: (outcome) => {
      const slot = slots.getStore();
      if (slot) slot.outcome = outcome;
    },
  });

  function remember(id: string, first: FirstSeen): number | null {
    const known = seen.get(id);
    if (known) return Date.now() - known.at;
    seen.set(id, first);
    if (seen.size > 10_000) seen.delete(seen.keys().next().value ?? '');
    return null;
  }

  async function handle(req: IncomingMessage): Promise<{ answer: Answer; record: ListenRecord }> {
    const base = { time: new Date().toISOString(), method: req.method ?? '', path: req.url ?? '/' };
    const headerId = firstHeader(req, HEADER_ID) ?? null;
    const reject = (status: number, code: string, reason: string, extra = {}) => ({
      // listen is a debugging aid: unlike a production receiver it says why in the answer.
      answer: json(status, { ok: false, error: { code, message: reason } }, extra),
      record: { ...base, status, verified: false, id: headerId, code, reason },
    });
    if (req.method !== 'POST') {
      req.resume();
      return reject(405, 'METHOD_NOT_ALLOWED', 'Composio delivers webhooks with POST.');
    }
    const body = await readBody(req, options.maxBody);
    if (body === undefined) {
      return reject(
        413,
        'PAYLOAD_TOO_LARGE',
        `The body is larger than --max-body (${options.maxBody} bytes).`,
      );
    }
    const slot: Slot = {};
    const response = await slots.run(slot, () => receiver.receive({ body, headers: req.headers }));
    const outcome = slot.outcome;
    if (response.status !== 200 || !outcome?.id) {
      const code = outcome?.code ?? 'LISTENER_ERROR';
      return reject(
        response.status,
        code,
        outcome?.error?.message ?? 'listen could not handle the request.',
        response.headers,
      );
    }

    const delivery = slot.delivery;
    const event = delivery?.event;
    const first: FirstSeen = {
      at: Date.now(),
      type: event?.type ?? outcome.eventType ?? '',
      triggerSlug: event && isTriggerMessage(event) ? event.metadata.trigger_slug : null,
      version: delivery?.version ?? '',
    };
    const duplicateOfMsAgo = remember(outcome.id, first);
    const known = seen.get(outcome.id) ?? first;
    const record: ListenRecord = {
      ...base,
      status: 200,
      verified: true,
      id: outcome.id,
      version: known.version,
      attempt: outcome.attempt ?? null,
      type: known.type,
      triggerSlug: known.triggerSlug,
      duplicate: outcome.type === 'duplicate',
      duplicateOfMsAgo,
      ...(event !== undefined && { event }),
    };
    options.recorder?.write({
      recordedAt: base.time,
      path: base.path,
      id: outcome.id,
      type: known.type,
      triggerSlug: known.triggerSlug,
      version: known.version,
      headers: pickHeaders(req.headers),
      ...encodeBody(body),
    });
    if (!options.forward) {
      return { answer: json(response.status, response.body, response.headers), record };
    }
    const { answer, result } = await forward(options.forward, req, body, outcome.id);
    return { answer, record: { ...record, forward: result } };
  }

  return { handle };
}

/** Re-signs the body for the target (fresh timestamp, same webhook-id) and relays its answer. */
async function forward(
  target: ForwardOptions,
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
  let got: EndpointAnswer;
  try {
    got = await post(target.url, signed, target.timeoutMs);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof CliError ? String(error.details.code ?? 'NETWORK_ERROR') : null;
    return {
      answer: json(502, { ok: false, error: { code: 'FORWARD_FAILED', message } }),
      result: {
        url: target.url,
        status: null,
        code,
        duplicate: false,
        durationMs: null,
        error: message,
      },
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
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as bytes, or `undefined` when it exceeds `limit` (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
