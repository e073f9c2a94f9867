/**
 * The guarantee the package exists for: two server instances (each its own Node process with its
 * own Express app and node-postgres Pool) on one database receive 500 ids × 4 copies at once.
 * Every id's handler runs exactly once in total, also when the database is stopped for 3 s in the
 * middle of the burst; nothing is answered 200 unless its handler ran; no secret is stored.
 * The database is a server of this file's own, since the outage stops it.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresServer } from '@composio-webhooks/test-postgres';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresIdempotencyStore } from '../src/index.js';
import { uniqueTable } from './helpers/contract.js';
import { SECRET, type SignedDelivery, signedDelivery } from './helpers/deliveries.js';
import { dumpDatabase } from './helpers/dump.js';
import {
  bundleInstance,
  type Instance,
  type Posted,
  post,
  startInstance,
} from './helpers/instances.js';

const IDS = 500;
const COPIES = 4;
const CONCURRENCY = 64;
const OUTAGE_MS = 3_000;

let server: PostgresServer;
let pool: pg.Pool;
let script: string;
let deliveries: SignedDelivery[];
const instances: Instance[] = [];
const logFiles: string[] = [];

beforeAll(async () => {
  [server, script, deliveries] = await Promise.all([
    PostgresServer.start(),
    bundleInstance(),
    Promise.all(Array.from({ length: IDS }, () => signedDelivery())),
  ]);
  pool = new pg.Pool({ connectionString: server.url() });
  pool.on('error', () => {});
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.kill()));
  await pool?.end();
  await server?.destroy();
  rmSync(script, { force: true });
  for (const file of logFiles) rmSync(file, { force: true });
});

interface Answer extends Posted {
  id: string;
  instance: string;
}

/**
 * Sends every delivery COPIES times, the copies of one id next to each other (so they race) to
 * either instance, CONCURRENCY requests at a time. Like Composio, a copy answered 409, 500 or
 * 503 is sent again (here after 25–75 ms: a compressed schedule) until it gets 200. Resolves to every answer.
 */
async function burst(targets: Instance[], answers: Answer[], deadline: number): Promise<void> {
  const copies = deliveries.flatMap((delivery) => Array.from({ length: COPIES }, () => delivery));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < copies.length) {
      const delivery = copies[next++] as SignedDelivery;
      for (;;) {
        const target = targets[Math.floor(Math.random() * targets.length)] as Instance;
        const answer = await post(target.url, delivery);
        answers.push({ ...answer, id: delivery.id, instance: target.name });
        if (answer.status === 200) break;
        if (Date.now() > deadline)
          throw new Error(`${delivery.id} still answered ${answer.status}`);
        await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function startPair(label: string, env: Record<string, string>) {
  const tableName = uniqueTable(label);
  await new PostgresIdempotencyStore({ pool, tableName }).migrate();
  const logFile = join(tmpdir(), `postgres-${tableName}.log`);
  logFiles.push(logFile);
  const common = {
    DATABASE_URL: server.url(),
    TABLE: tableName,
    SECRET,
    LOG_FILE: logFile,
    ...env,
  };
  const pair = await Promise.all([
    startInstance(script, { ...common, INSTANCE: 'a' }, { readyTimeoutMs: 60_000 }),
    startInstance(script, { ...common, INSTANCE: 'b' }, { readyTimeoutMs: 60_000 }),
  ]);
  instances.push(...pair);
  const runs = () =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]);
  return { pair, tableName, runs };
}

/** What must hold after any burst: each id ran once, and every 200 stands for a run. */
function expectExactlyOnce(answers: Answer[], runs: [string, string][]): void {
  const ranOn = new Map<string, string[]>();
  for (const [instance, id] of runs) ranOn.set(id, [...(ranOn.get(id) ?? []), instance]);
  expect(runs).toHaveLength(IDS);
  expect([...ranOn.keys()].sort()).toEqual(deliveries.map((d) => d.id).sort());
  expect([...ranOn.values()].every((on) => on.length === 1)).toBe(true);
  // One processed answer per id, from the process whose handler ran it.
  const processed = answers.filter((a) => a.status === 200 && a.body.duplicate !== true);
  expect(processed).toHaveLength(IDS);
  for (const answer of processed) expect(ranOn.get(answer.id)).toEqual([answer.instance]);
  // Every duplicate 200 is for an id whose handler ran.
  for (const answer of answers.filter((a) => a.status === 200)) {
    expect(ranOn.has(answer.id)).toBe(true);
  }
  expect(runs.some(([instance]) => instance === 'a')).toBe(true);
  expect(runs.some(([instance]) => instance === 'b')).toBe(true);
}

async function expectCleanExit(pair: Instance[]): Promise<void> {
  for (const instance of pair) {
    expect(await instance.stop()).toBe(0);
    expect(instance.stderr()).not.toMatch(/UNHANDLED|Error:/);
  }
}

it('runs each handler exactly once across two processes: 500 ids × 4 copies at once', async () => {
  // With named prepared statements here; the outage test below runs the default.
  const { pair, runs } = await startPair('burst', { MAX_DELAY_MS: '5', PREPARED: '1' });
  const answers: Answer[] = [];
  await burst(pair, answers, Date.now() + 90_000);

  const statuses = new Set(answers.map((a) => a.status));
  expect([...statuses].sort()).toEqual([200, 409]);
  const inFlight = answers.filter((a) => a.status === 409);
  expect(inFlight.every((a) => a.body.error?.code === 'DUPLICATE_IN_FLIGHT')).toBe(true);
  // The copies really raced across the processes.
  expect(inFlight.length).toBeGreaterThan(0);
  expectExactlyOnce(answers, runs());
  await expectCleanExit(pair);
  console.info(
    `burst: ${answers.length} answers, ${inFlight.length} 409s, ${answers.filter((a) => a.body.duplicate).length} duplicate 200s`,
  );
}, 120_000);

it('stays exactly-once when the database is stopped for 3 s mid-burst, and stores no secret', async () => {
  // Core retries a failed complete() 0.25, 0.75, 1.75, 3.75, 7.75 and 15.75 s later, inside
  // the lease even if the restart is slow, so no copy can take over a delivery whose handler
  // ran; a claim lost with the crash (committed, never answered) holds its id for the lease.
  const { pair, tableName, runs } = await startPair('outage', {
    MAX_DELAY_MS: '5',
    LEASE_MS: '20000',
    HANDLER_TIMEOUT_MS: '5000',
  });
  const answers: Answer[] = [];
  const sending = burst(pair, answers, Date.now() + 90_000);
  // Let a part of the burst through, then crash the database (immediate shutdown).
  while (answers.length < 400) await new Promise((resolve) => setTimeout(resolve, 5));
  const before = answers.length;
  await server.stop('immediate');
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  const during = answers.slice(before);
  await server.restart();
  await sending;

  // While it was down: 503 STORE_UNAVAILABLE (never a hang, never a crash), not a single 200
  // that was not a handler run.
  const unavailable = during.filter((a) => a.status === 503);
  expect(unavailable.length).toBeGreaterThan(50);
  expect(unavailable.every((a) => a.body.error?.code === 'STORE_UNAVAILABLE')).toBe(true);
  expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200, 409, 503]));
  expectExactlyOnce(answers, runs());

  // After recovery a late copy of every id is a duplicate, on either instance: nothing runs again.
  const late = await Promise.all(deliveries.map((d, i) => post((pair[i % 2] as Instance).url, d)));
  expect(late.every((a) => a.status === 200 && a.body.duplicate === true)).toBe(true);
  expect(runs()).toHaveLength(IDS);

  // The database holds ids, tokens and times, never the secret (nor any payload).
  const dump = await dumpDatabase(pool);
  expect(dump).toContain(`-- public.${tableName}`);
  expect(dump).toContain((deliveries[0] as SignedDelivery).id);
  expect(dump).not.toContain(SECRET);
  expect(dump).not.toContain(SECRET.replace(/^whsec_/, ''));
  expect(dump).not.toMatch(/trigger_slug|"data"/);
  await expectCleanExit(pair);
  console.info(
    `outage: ${answers.length} answers, ${unavailable.length} 503s during ${OUTAGE_MS} ms down, ${answers.filter((a) => a.status === 409).length} 409s`,
  );
}, 120_000);
