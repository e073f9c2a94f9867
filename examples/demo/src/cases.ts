/**
 * What `pnpm demo` sends and checks: the scripted series of real, signed deliveries (every event
 * type, V1/V2 legacy bodies, a forgery, a stale timestamp, a duplicate, malformed JSON, an
 * oversize body) with the documented status and handlers of each, and `runCase`, which sends one
 * case to one server and compares.
 */
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
  signWebhook,
} from '@composio-webhooks/core/testing';

export interface HandledRecord {
  handler: string;
  id: string;
  type: string;
}

export interface Target {
  /** The column's title. */
  name: string;
  /** Where the deliveries go. */
  url: string;
  /** The handlers that ran for a webhook-id (once they have run, for an app that runs them later). */
  handlers(id: string): Promise<string[]>;
  close(): Promise<void>;
  /**
   * Set when the server could not be started: why (in a few words for the table, in full for the
   * line under it), and whether the demo still passes without it.
   */
  skip?: { reason: string; detail: string; ok: boolean };
  /** A line printed under the table about how this server ran. */
  about?: string;
  /** Output of the server's own processes, shown when a cell is wrong. */
  logs?(): string;
}

export interface Request {
  body: string;
  headers: Record<string, string>;
}

export interface Case {
  name: string;
  /** Builds the request(s) for one target; the last one's answer is the cell. */
  requests(): Promise<Request[]>;
  status: number;
  /** Handlers expected to run for the last request's webhook-id (sorted). */
  handlers: string[];
  /** The last answer must say `duplicate: true`. */
  duplicate?: boolean;
}

export interface Cell {
  status: number;
  handlers: string[];
  duplicate: boolean;
  ok: boolean;
  /** Why the handlers are not known (e.g. the worker did not finish in time). */
  error?: string;
  /** The server was not started: `Target.skip.reason`. */
  skipped?: string;
}

const now = () => Math.floor(Date.now() / 1000);

export function demoCases(secret: string): Case[] {
  const sign = async (
    payload: unknown,
    extra: { secret?: string; timestamp?: number; id?: string } = {},
  ): Promise<Request> => {
    const { body, headers } = await signWebhook({
      payload,
      secret: extra.secret ?? secret,
      ...(extra.timestamp !== undefined && { timestamp: extra.timestamp }),
      ...(extra.id !== undefined && { id: extra.id }),
    });
    return { body, headers: { ...headers } as Record<string, string> };
  };

  return [
    {
      name: 'trigger message (GITHUB_COMMIT_EVENT)',
      requests: async () => [await sign(buildTriggerMessage())],
      status: 200,
      handlers: ['githubCommit', 'triggerMessage'],
    },
    {
      name: 'connection expired',
      requests: async () => [await sign(buildConnectionExpired())],
      status: 200,
      handlers: ['connectionExpired'],
    },
    {
      name: 'trigger disabled',
      requests: async () => [await sign(buildTriggerDisabled())],
      status: 200,
      handlers: ['triggerDisabled'],
    },
    {
      name: 'V1 legacy trigger body',
      requests: async () => [await sign(buildV1TriggerPayload())],
      status: 200,
      handlers: ['githubCommit', 'triggerMessage'],
    },
    {
      name: 'V2 legacy trigger body',
      requests: async () => [await sign(buildV2TriggerPayload())],
      status: 200,
      handlers: ['githubCommit', 'triggerMessage'],
    },
    {
      name: 'unknown composio.* event',
      requests: async () => [await sign(buildUnknownEvent('composio.connected_account.refreshed'))],
      status: 200,
      handlers: ['unknownEvent'],
    },
    {
      name: 'forged signature (wrong secret)',
      requests: async () => [await sign(buildTriggerMessage(), { secret: 'not-the-secret' })],
      status: 401,
      handlers: [],
    },
    {
      name: 'stale timestamp (10 min old)',
      requests: async () => [await sign(buildTriggerMessage(), { timestamp: now() - 600 })],
      status: 401,
      handlers: [],
    },
    {
      name: 'missing signature headers',
      requests: async () => [
        {
          body: JSON.stringify(buildTriggerMessage()),
          headers: { 'content-type': 'application/json' },
        },
      ],
      status: 401,
      handlers: [],
    },
    {
      name: 'duplicate (retry of a processed delivery)',
      requests: async () => {
        const event = buildConnectionExpired();
        const first = await sign(event, { timestamp: now() - 30 });
        const retry = await sign(event, { timestamp: now() });
        return [first, retry];
      },
      status: 200,
      // The first copy ran the handler once; the retry is answered 200 without running it again
      // (with the BullMQ inbox: one job per webhook-id, so one run on the worker).
      handlers: ['connectionExpired'],
      duplicate: true,
    },
    {
      name: 'malformed JSON (signed)',
      requests: async () => [await sign('{"id": "msg_1", "type": "composio.trigger.message", ')],
      status: 400,
      handlers: [],
    },
    {
      name: 'oversize body (1 MiB + 1 KiB)',
      requests: async () => [
        await sign(
          buildTriggerMessage({
            slug: 'LARGE_PAYLOAD_EVENT',
            data: { blob: 'x'.repeat(1024 * 1024 + 1024) },
          }),
        ),
      ],
      status: 413,
      handlers: [],
    },
  ];
}

/** Sends one case to one server; the cell says whether status and handlers are as documented. */
export async function runCase(target: Target, testCase: Case): Promise<Cell> {
  if (target.skip) {
    return {
      status: 0,
      handlers: [],
      duplicate: false,
      ok: target.skip.ok,
      skipped: target.skip.reason,
    };
  }
  const requests = await testCase.requests();
  let status = 0;
  let duplicate = false;
  for (const request of requests) {
    const response = await fetch(target.url, {
      method: 'POST',
      body: request.body,
      headers: request.headers,
    });
    status = response.status;
    const text = await response.text();
    duplicate = status === 200 && (JSON.parse(text) as { duplicate?: boolean }).duplicate === true;
  }
  const id = requests.at(-1)?.headers['webhook-id'];
  let ran: string[] = [];
  let error: string | undefined;
  try {
    ran = id ? [...(await target.handlers(id))].sort() : [];
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }
  const ok =
    error === undefined &&
    status === testCase.status &&
    duplicate === (testCase.duplicate ?? false) &&
    JSON.stringify(ran) === JSON.stringify([...testCase.handlers].sort());
  return { status, handlers: ran, duplicate, ok, ...(error !== undefined && { error }) };
}
