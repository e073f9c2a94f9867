/**
 * `pnpm demo`: starts the Express, Koa, Fastify, Nest (Express and Fastify platforms) and Hono
 * examples on free ports, the Next.js example with `next start` (App Router and Pages Router
 * routes; `next build` first if it was never built), with a demo secret and the in-memory store,
 * and the BullMQ inbox example as a receiver process and a worker process on a Redis (REDIS_URL,
 * or a redis-server of its own; skipped, saying why, when there is neither) and the pg-boss inbox
 * example the same way on a PostgreSQL (DATABASE_URL, a server of its own, or an embedded one when
 * none is installed: ./pg-boss.ts); sends each the same
 * scripted series of real, signed HTTP deliveries (./cases.ts), and prints case × framework →
 * status and the handlers that ran. Exits 1 if any cell differs from the documented behaviour.
 * Shuts everything down after.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApp as createExpressApp } from '../../express/src/app.js';
import { createApp as createFastifyApp } from '../../fastify/src/app.js';
import { createApp as createHonoApp } from '../../hono/src/app.js';
import { createApp as createKoaApp } from '../../koa/src/app.js';
import { createApp as createNestApp } from '../../nest/src/app.js';
import { ensureBuilt, startNext } from '../../nextjs/test/next-app.js';
import { startBullmqTarget } from './bullmq.js';
import { type Cell, demoCases, type HandledRecord, runCase, type Target } from './cases.js';
import { startPgBossTarget } from './pg-boss.js';

const SECRET = `demo-secret-${crypto.randomUUID()}`;

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

const fromRecords = async (id: string) => handled.get(id) ?? [];

/** Starts the in-process examples and Next.js, adding each to `targets` as soon as it runs. */
async function startTargets(targets: Target[]): Promise<void> {
  const expressHttp = createServer(createExpressApp({ secret: SECRET, onHandled }));
  targets.push({
    name: 'Express',
    url: await listen(expressHttp),
    close: closer(expressHttp),
    handlers: fromRecords,
  });

  const koaHttp = createServer(createKoaApp({ secret: SECRET, onHandled }).callback());
  targets.push({
    name: 'Koa',
    url: await listen(koaHttp),
    close: closer(koaHttp),
    handlers: fromRecords,
  });

  const fastify = await createFastifyApp({ secret: SECRET, onHandled });
  const fastifyBase = await fastify.listen({ port: 0, host: '127.0.0.1' });
  targets.push({
    name: 'Fastify',
    url: `${fastifyBase}/webhooks/composio`,
    close: () => fastify.close(),
    handlers: fromRecords,
  });

  for (const platform of ['express', 'fastify'] as const) {
    const app = await createNestApp({ secret: SECRET, onHandled, platform, logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    targets.push({
      name: platform === 'express' ? 'Nest (Express)' : 'Nest (Fastify)',
      url: `http://127.0.0.1:${port}/webhooks/composio`,
      close: () => app.close(),
      handlers: fromRecords,
    });
  }
  const honoHttp = createServer(
    getRequestListener(createHonoApp({ secret: SECRET, onHandled }).fetch),
  );
  targets.push({
    name: 'Hono',
    url: await listen(honoHttp),
    close: closer(honoHttp),
    handlers: fromRecords,
  });

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

  const cases = demoCases(SECRET);
  const targets: Target[] = [];
  const rows: { name: string; expected: string; cells: Cell[] }[] = [];
  try {
    // The BullMQ processes start while the in-process apps and Next.js do; the column comes last.
    const [inProcess, bullmq, pgBoss] = await Promise.allSettled([
      startTargets(targets),
      startBullmqTarget({ secret: SECRET }),
      startPgBossTarget({ secret: SECRET }),
    ]);
    for (const queued of [bullmq, pgBoss])
      if (queued.status === 'fulfilled') targets.push(queued.value);
    for (const result of [inProcess, bullmq, pgBoss]) {
      if (result.status === 'rejected') throw result.reason;
    }
    for (const testCase of cases) {
      const cells: Cell[] = [];
      for (const target of targets) cells.push(await runCase(target, testCase));
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
  const cellText = (cell: Cell, row: number) => {
    // A server that could not start says why in its first cell.
    if (cell.skipped !== undefined) {
      if (row === 0) return `${cell.ok ? '–' : '✗'} ${cell.skipped}`;
      return cell.ok ? '– skipped' : '✗ not run';
    }
    return `${cell.ok ? '✓' : '✗'} ${cell.status} ${cell.handlers.join('+') || '—'}${cell.duplicate ? ' (duplicate)' : ''}${cell.error ? ` (${cell.error})` : ''}`;
  };
  const widths = targets.map((target, i) =>
    Math.max(target.name.length, ...rows.map((row, r) => cellText(row.cells[i] as Cell, r).length)),
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
  rows.forEach((row, r) => {
    console.log(
      line([row.name, row.expected, ...row.cells.map((cell) => cellText(cell, r))], allWidths),
    );
  });
  const notes = targets.flatMap((target) =>
    target.skip
      ? [`${target.name} ${target.skip.ok ? 'skipped' : 'not run'}: ${target.skip.detail}`]
      : target.about
        ? [target.about]
        : [],
  );
  if (notes.length > 0) console.log(`\n${notes.join('\n')}`);

  const failures = rows.flatMap((row) => row.cells.filter((cell) => !cell.ok).map(() => row.name));
  if (failures.length > 0) {
    const logs = targets.flatMap((target) => (target.logs ? [target.logs()] : []));
    console.error(
      `\n✗ ${failures.length} cell(s) differ from the documented behaviour. Server output:\n${[...captured, ...logs].join('\n')}`,
    );
    return 1;
  }
  const checked = rows.reduce((sum, row) => sum + row.cells.filter((c) => !c.skipped).length, 0);
  const skipped = targets.filter((target) => target.skip).map((target) => target.name);
  console.log(
    `\n✓ every cell matches the documented status and handler (${checked} checks${skipped.length > 0 ? `; ${skipped.join(', ')} skipped` : ''}).`,
  );
  return 0;
}

process.exitCode = await main();
