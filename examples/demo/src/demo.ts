/**
 * `pnpm demo`: starts the Express, Koa, Fastify, Nest (Express and Fastify platforms) and Hono
 * examples on free ports, and the Next.js example with `next start` (App Router and Pages Router
 * routes; `next build` first if it was never built), with a demo secret and the in-memory store,
 * sends each the same scripted series of real,
 * signed HTTP deliveries, and prints case × framework → status and the handlers that ran.
 * Exits 1 if any cell differs from the documented behaviour. Shuts everything down after.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { getRequestListener } from '@hono/node-server';
import { createApp as createExpressApp } from '../../express/src/app.js';
import { createApp as createFastifyApp } from '../../fastify/src/app.js';
import { createApp as createHonoApp } from '../../hono/src/app.js';
import { createApp as createKoaApp } from '../../koa/src/app.js';
import { createApp as createNestApp } from '../../nest/src/app.js';
import { ensureBuilt, startNext } from '../../nextjs/test/next-app.js';

const SECRET = `demo-secret-${crypto.randomUUID()}`;

interface HandledRecord {
  handler: string;
  id: string;
  type: string;
}

interface Target {
  name: string;
  url: string;
  close(): Promise<void>;
  /** Handlers that ran for a webhook-id, when the app runs in another process (Next.js). */
  handlers?(id: string): Promise<string[]>;
}

/** Handler names recorded per webhook-id, across all frameworks (ids are unique per framework). */
const handled = new Map<string, string[]>();
const onHandled = (record: HandledRecord) => {
  const list = handled.get(record.id) ?? [];
  list.push(record.handler);
  handled.set(record.id, list);
};

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}/webhooks/composio`);
    });
  });
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
}

async function startTargets(): Promise<Target[]> {
  const targets: Target[] = [];
  const expressHttp = createServer(createExpressApp({ secret: SECRET, onHandled }));
  targets.push({ name: 'Express', url: await listen(expressHttp), close: closer(expressHttp) });

  const koaHttp = createServer(createKoaApp({ secret: SECRET, onHandled }).callback());
  targets.push({ name: 'Koa', url: await listen(koaHttp), close: closer(koaHttp) });

  const fastify = await createFastifyApp({ secret: SECRET, onHandled });
  const fastifyBase = await fastify.listen({ port: 0, host: '127.0.0.1' });
  targets.push({
    name: 'Fastify',
    url: `${fastifyBase}/webhooks/composio`,
    close: () => fastify.close(),
  });

  for (const platform of ['express', 'fastify'] as const) {
    const app = await createNestApp({ secret: SECRET, onHandled, platform, logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    targets.push({
      name: platform === 'express' ? 'Nest (Express)' : 'Nest (Fastify)',
      url: `http://127.0.0.1:${port}/webhooks/composio`,
      close: () => app.close(),
    });
  }
  const honoHttp = createServer(
    getRequestListener(createHonoApp({ secret: SECRET, onHandled }).fetch),
  );
  targets.push({ name: 'Hono', url: await listen(honoHttp), close: closer(honoHttp) });

  await ensureBuilt();
  const next = await startNext({ COMPOSIO_WEBHOOK_SECRET: SECRET });
  const nextHandlers = async (id: string) => {
    const records = (await (
      await fetch(`${next.url}/api/demo/handled?id=${encodeURIComponent(id)}`)
    ).json()) as HandledRecord[];
    return records.map((record) => record.handler);
  };
  targets.push({
    name: 'Next.js (App Router)',
    url: `${next.url}/api/webhooks/composio`,
    close: () => next.close(),
    handlers: nextHandlers,
  });
  targets.push({
    name: 'Next.js (Pages Router)',
    url: `${next.url}/api/webhooks/composio-pages`,
    close: async () => {},
    handlers: nextHandlers,
  });
  return targets;
}

interface Request {
  body: string;
  headers: Record<string, string>;
}

interface Case {
  name: string;
  /** Builds the request(s) for one target; the last one's answer is the cell. */
  requests(): Promise<Request[]>;
  status: number;
  /** Handlers expected to run for the last request's webhook-id (sorted). */
  handlers: string[];
  /** The last answer must say `duplicate: true`. */
  duplicate?: boolean;
}

const now = () => Math.floor(Date.now() / 1000);
const sign = async (
  payload: unknown,
  extra: { secret?: string; timestamp?: number; id?: string } = {},
) => {
  const { body, headers } = await signWebhook({
    payload,
    secret: extra.secret ?? SECRET,
    ...(extra.timestamp !== undefined && { timestamp: extra.timestamp }),
    ...(extra.id !== undefined && { id: extra.id }),
  });
  return { body, headers: { ...headers } as Record<string, string> };
};

const cases: Case[] = [
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
    // The first copy ran the handler once; the retry is answered 200 without running it again.
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

interface Cell {
  status: number;
  handlers: string[];
  duplicate: boolean;
  ok: boolean;
}

async function run(target: Target, testCase: Case): Promise<Cell> {
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
  const ran = [...(id ? ((await target.handlers?.(id)) ?? handled.get(id) ?? []) : [])].sort();
  const ok =
    status === testCase.status &&
    duplicate === (testCase.duplicate ?? false) &&
    JSON.stringify(ran) === JSON.stringify([...testCase.handlers].sort());
  return { status, handlers: ran, duplicate, ok };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

async function main(): Promise<number> {
  // The examples log each handler and rejection; keep the demo output to the table.
  const captured: string[] = [];
  const original = { log: console.log, warn: console.warn, error: console.error };
  const capture = (...args: unknown[]) => {
    captured.push(args.map(String).join(' '));
  };
  console.log = capture;
  console.warn = capture;
  console.error = capture;

  let targets: Target[] = [];
  const rows: { name: string; expected: string; cells: Cell[] }[] = [];
  try {
    targets = await startTargets();
    for (const testCase of cases) {
      const cells: Cell[] = [];
      for (const target of targets) cells.push(await run(target, testCase));
      rows.push({
        name: testCase.name,
        expected: `${testCase.status} ${testCase.handlers.join('+') || '—'}${testCase.duplicate ? ' (duplicate)' : ''}`,
        cells,
      });
    }
  } finally {
    Object.assign(console, original);
    await Promise.all(targets.map((target) => target.close()));
  }

  const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
  const expectedWidth = Math.max(8, ...rows.map((row) => row.expected.length));
  const cellText = (cell: Cell) =>
    `${cell.ok ? '✓' : '✗'} ${cell.status} ${cell.handlers.join('+') || '—'}${cell.duplicate ? ' (duplicate)' : ''}`;
  const widths = targets.map((target, i) =>
    Math.max(target.name.length, ...rows.map((row) => cellText(row.cells[i] as Cell).length)),
  );
  const line = (cols: string[], colWidths: number[]) =>
    `| ${cols.map((c, i) => pad(c, colWidths[i] as number)).join(' | ')} |`;
  const allWidths = [nameWidth, expectedWidth, ...widths];
  console.log(
    `\ncomposio-webhooks demo: ${cases.length} deliveries × ${targets.length} servers (secret ${SECRET.slice(0, 12)}…, in-memory dedupe)\n`,
  );
  console.log(line(['case', 'expected', ...targets.map((t) => t.name)], allWidths));
  console.log(
    line(
      allWidths.map((w) => '-'.repeat(w)),
      allWidths,
    ),
  );
  for (const row of rows)
    console.log(line([row.name, row.expected, ...row.cells.map(cellText)], allWidths));

  const failures = rows.flatMap((row) => row.cells.filter((cell) => !cell.ok).map(() => row.name));
  if (failures.length > 0) {
    console.error(
      `\n✗ ${failures.length} cell(s) differ from the documented behaviour. Server output:\n${captured.join('\n')}`,
    );
    return 1;
  }
  console.log(
    `\n✓ every cell matches the documented status and handler (${rows.length * targets.length} checks).`,
  );
  return 0;
}

process.exitCode = await main();
