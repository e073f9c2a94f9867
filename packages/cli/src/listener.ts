/**
 * What `listen` does with one request: an adapter on core's exchange, like every framework's
 * (`@composio-webhooks/core/adapter`), so it answers what they answer — the header-first
 * refusals (gzip 415, a foreign charset 400, missing headers 401), the size and time limits,
 * verification and dedupe. Verified deliveries are handed to listen's "route": record and answer
 * 200 (or forward, re-signed, and answer what the target answered). The sender gets only the
 * documented answer; the detailed reason of a refusal goes to listen's own output.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  isTriggerMessage,
  type SecretFormat,
  type WebhookDelivery,
  type WebhookError,
} from '@composio-webhooks/core';
import {
  createExchange,
  type ExchangeResult,
  HEADER_ATTEMPT,
  HEADER_ID,
  successResponse,
} from '@composio-webhooks/core/adapter';
import { readNodeRequest } from '@composio-webhooks/core/node';
import {
  type Answer,
  createForwarder,
  type ForwardOptions,
  type ForwardResult,
  firstHeader,
  jsonAnswer,
} from './forward.js';
import { encodeBody, pickHeaders, type Recorder } from './recording.js';

export type { Answer, ForwardOptions, ForwardResult } from './forward.js';

/** How listen names itself in core's messages. */
const PACKAGE_NAME = '@composio-webhooks/cli';
const HOW_TO_FIX = 'listen reads the request stream itself; nothing should have consumed it.';

export interface ListenerOptions {
  secrets: string[];
  secretFormat: SecretFormat;
  tolerance: number | undefined;
  maxBody: number;
  /** `bodyTimeoutMs` of the exchange. */
  bodyTimeoutMs: number | undefined;
  forward?: ForwardOptions | undefined;
  recorder?: Recorder | undefined;
}

/** One request as `listen` prints it (`--json`: one such object per line). */
export interface ListenRecord {
  time: string;
  method: string;
  path: string;
  /** The status the sender got. */
  status: number;
  verified: boolean;
  id: string | null;
  code?: string;
  /** Why it was refused, in detail (local output only: the sender gets the public message). */
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

interface FirstSeen {
  at: number;
  type: string;
  triggerSlug: string | null;
  version: string;
}

/** What one request left behind while going through the exchange. */
interface Slot {
  body?: Uint8Array;
  refusal?: WebhookError;
  record?: ListenRecord;
}

type Base = Pick<ListenRecord, 'time' | 'method' | 'path'>;

export function createListener(options: ListenerOptions) {
  const slots = new AsyncLocalStorage<Slot>();
  const seen = new Map<string, FirstSeen>();
  const forwarder = options.forward ? createForwarder(options.forward) : undefined;
  const exchange = createExchange(
    {
      secret: options.secrets,
      secretFormat: options.secretFormat,
      tolerance: options.tolerance,
      maxBodyBytes: options.maxBody,
      ...(options.bodyTimeoutMs !== undefined && { bodyTimeoutMs: options.bodyTimeoutMs }),
      // Forwarding hands every copy to the target, whose own dedupe is then what runs.
      idempotency: options.forward ? false : undefined,
      logger: false,
      onRefusal: ({ error }) => {
        const slot = slots.getStore();
        if (slot) slot.refusal = error;
      },
    },
    { packageName: PACKAGE_NAME, kind: 'route', route: 'listen' },
  );

  /** First sight of an id is remembered; a later copy says how long ago that was. */
  function remember(id: string, first: FirstSeen): { known: FirstSeen; agoMs: number | null } {
    const known = seen.get(id);
    if (known) return { known, agoMs: Date.now() - known.at };
    seen.set(id, first);
    if (seen.size > 10_000) seen.delete(seen.keys().next().value ?? '');
    return { known: first, agoMs: null };
  }

  function verifiedRecord(
    base: Base,
    req: IncomingMessage,
    body: Uint8Array | undefined,
    id: string,
    delivery: WebhookDelivery | undefined,
  ): ListenRecord {
    const event = delivery?.event;
    const { known, agoMs } = remember(id, {
      at: Date.now(),
      type: event?.type ?? '',
      triggerSlug: event && isTriggerMessage(event) ? event.metadata.trigger_slug : null,
      version: delivery?.version ?? '',
    });
    if (body !== undefined) {
      options.recorder?.write({
        recordedAt: base.time,
        path: base.path,
        id,
        type: known.type,
        triggerSlug: known.triggerSlug,
        version: known.version,
        headers: pickHeaders(req.headers),
        ...encodeBody(body),
      });
    }
    return {
      ...base,
      status: 200,
      verified: true,
      id,
      version: known.version,
      attempt: delivery?.attempt ?? attemptOf(req),
      type: known.type,
      triggerSlug: known.triggerSlug,
      duplicate: delivery === undefined,
      duplicateOfMsAgo: agoMs,
      ...(event !== undefined && { event }),
    };
  }

  /** listen's route: record the delivery, then answer 200 or forward it. */
  async function route(
    base: Base,
    req: IncomingMessage,
    res: ServerResponse,
    delivery: WebhookDelivery,
    body: Uint8Array,
  ): Promise<ListenRecord> {
    const record = verifiedRecord(base, req, body, delivery.id, delivery);
    if (!forwarder) {
      const { status, body: json } = successResponse(delivery.id);
      write(res, jsonAnswer(status, json));
      return record;
    }
    const { answer, result } = await forwarder.send(req, body, delivery.id);
    write(res, answer);
    return { ...record, status: answer.status, forward: result };
  }

  /** Answers one request and says what happened. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<ListenRecord> {
    const url = req.url ?? '/';
    const base: Base = { time: new Date().toISOString(), method: req.method ?? '', path: url };
    const headerId = firstHeader(req, HEADER_ID) ?? null;
    if (forwarder?.isLoop(req)) {
      const reason = `This delivery was forwarded by this listen and came back: --forward-to ${options.forward?.url} leads here. Not forwarded again; point --forward-to at your app.`;
      req.resume();
      write(res, jsonAnswer(508, { ok: false, error: { code: 'FORWARD_LOOP', message: reason } }));
      return { ...base, status: 508, verified: false, id: headerId, code: 'FORWARD_LOOP', reason };
    }
    const slot: Slot = {};
    const result: ExchangeResult = await slots.run(slot, () =>
      exchange.handle({
        method: req.method ?? '',
        path: url.split('?')[0],
        headers: req.headers,
        body: async (limits) => {
          const body = await readNodeRequest(req, limits, {
            packageName: PACKAGE_NAME,
            howToFix: HOW_TO_FIX,
          });
          slot.body = typeof body === 'string' ? Buffer.from(body) : body;
          return body;
        },
        async handOver(delivery, body) {
          const bytes = typeof body === 'string' ? Buffer.from(body) : body;
          slot.record = await route(base, req, res, delivery, bytes);
          return slot.record.status;
        },
      }),
    );
    // A route adapter without `path` is never passed over; a hand-over wrote its own answer.
    if (result.type === 'handed-over' || result.type === 'pass') {
      return slot.record ?? { ...base, status: res.statusCode, verified: false, id: headerId };
    }
    const { response } = result;
    write(res, jsonAnswer(response.status, response.body, response.headers));
    const answered = response.body as { ok: boolean; id?: string; duplicate?: boolean };
    if (answered.ok && answered.duplicate && answered.id) {
      return { ...verifiedRecord(base, req, slot.body, answered.id, undefined), status: 200 };
    }
    const error = (response.body as { error?: { code?: string; message?: string } }).error;
    const code = slot.refusal?.code ?? error?.code ?? 'LISTENER_ERROR';
    const reason = slot.refusal?.message ?? error?.message ?? 'listen could not handle it.';
    return { ...base, status: response.status, verified: false, id: headerId, code, reason };
  }

  return { handle };
}

function attemptOf(req: IncomingMessage): number | null {
  const value = Number(firstHeader(req, HEADER_ATTEMPT));
  return Number.isInteger(value) && value > 0 ? value : null;
}

function write(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}
