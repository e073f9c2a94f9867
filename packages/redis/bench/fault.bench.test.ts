/**
 * The fault benchmark: two server instances (Node processes, each a receiver with its own
 * RedisIdempotencyStore and ioredis connection) on one real redis-server; 500 ids × 4 copies
 * spread over both; Redis stopped (SIGTERM to its pid) for ~2 s mid-run and restarted on the
 * same port and directory. The sender behaves like Composio: every answer other than 200 is
 * retried a second later. Each handler run is appended to a file (Redis is down for part of the
 * run), so runs per id are counted exactly: no id lost, no id run twice.
 *
 * Run twice: Redis with an append-only file (the guarantee: zero lost, zero double runs), and
 * Redis without persistence (a restart forgets every claim and processed id: reported, not
 * asserted). FAULT_CORE_SOURCES=<dir of another core's src/> measures that core instead (a
 * "before" number); FAULT_OUTAGE_MS (default 2000) sets the outage.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServer } from '@composio-webhooks/test-redis';
import { afterAll, expect, it } from 'vitest';
import { SECRET, type SignedDelivery, signedDelivery } from '../test/helpers/deliveries.js';
import { bundleInstance, type Instance, post, startInstance } from '../test/helpers/instances.js';

const IDS = 500;
const COPIES = 4;
const SPREAD_MS = 5_000; // ids start 10 ms apart
const OUTAGE_AT_MS = 2_000;
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 2_000);
const LEASE_MS = 4_000;
const HANDLER_TIMEOUT_MS = 2_000;
const RETRY_AFTER_MS = 1_000;
const MAX_ATTEMPTS = 60;
const coreSources = process.env.FAULT_CORE_SOURCES;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

interface Tally {
  requests: number;
  statuses: Map<string, number>;
  /** Copies that never got a 200 within MAX_ATTEMPTS. */
  unanswered: number;
}

/** One copy as Composio sends it: retried every second until it is answered 200. */
async function deliver(target: () => Instance, delivery: SignedDelivery, tally: Tally) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    tally.requests++;
    let status: string;
    try {
      status = String((await post(target().url, delivery)).status);
    } catch {
      status = 'network error';
    }
    tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
    if (status === '200') return;
    await sleep(RETRY_AFTER_MS);
  }
  tally.unanswered++;
}

async function run(persistence: 'aof' | 'none', script: string) {
  const dir = await mkdtemp(join(tmpdir(), `composio-fault-${persistence}-`));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const redis = await RedisServer.start(persistence === 'aof' ? { aofDir: dir } : {});
  cleanup.push(() => redis.stop());
  const common = {
    REDIS_URL: redis.url,
    PREFIX: `fault:${persistence}:`,
    SECRET,
    LEASE_MS: String(LEASE_MS),
    HANDLER_TIMEOUT_MS: String(HANDLER_TIMEOUT_MS),
    LOGGER: 'stderr',
    MAX_DELAY_MS: '400', // handlers of 0–400 ms: some are running when Redis goes down
  };
  const instances = await Promise.all(
    ['a', 'b'].map((name) =>
      startInstance(script, { ...common, INSTANCE: name, LOG_FILE: join(dir, `runs-${name}.log`) }),
    ),
  );
  cleanup.push(() => Promise.all(instances.map((instance) => instance.kill())));
  const [a, b] = instances as [Instance, Instance];
  const either = () => (Math.random() < 0.5 ? a : b);

  const deliveries = await Promise.all(Array.from({ length: IDS }, () => signedDelivery()));
  const tally: Tally = { requests: 0, statuses: new Map(), unanswered: 0 };
  const started = Date.now();
  const outage = (async () => {
    await sleep(OUTAGE_AT_MS);
    const pid = redis.pid;
    const stopping = Date.now();
    await redis.stop(); // SIGTERM to its pid
    const down = Date.now();
    await sleep(OUTAGE_MS);
    const restarting = Date.now();
    await redis.restart(); // same port, same directory
    const up = Date.now();
    return { pid, downMs: up - stopping, restartMs: up - restarting, stopMs: down - stopping };
  })();
  // Per id: a copy to each instance at once (they race for the claim), one more a second later,
  // and a late one after the lease would have lapsed (where a lost `complete` shows as a re-run).
  const copies = deliveries.map(async (delivery, i) => {
    await sleep((i * SPREAD_MS) / IDS);
    const late = async (ms: number) => {
      await sleep(ms);
      await deliver(either, delivery, tally);
    };
    await Promise.all([
      deliver(() => a, delivery, tally),
      deliver(() => b, delivery, tally),
      late(1_000),
      late(LEASE_MS + 2_500),
    ]);
  });
  await Promise.all(copies);
  const { pid, downMs, restartMs, stopMs } = await outage;
  const seconds = (Date.now() - started) / 1000;

  const runs = new Map<string, number>(deliveries.map((d) => [d.id, 0]));
  for (const name of ['a', 'b']) {
    const log = await readFile(join(dir, `runs-${name}.log`), 'utf8').catch(() => '');
    for (const line of log.split('\n')) {
      const id = line.split(' ')[1];
      if (id) runs.set(id, (runs.get(id) ?? 0) + 1);
    }
  }
  const counts = [...runs.values()];
  const stderr = instances.map((instance) => instance.stderr()).join('');
  const lines = (pattern: RegExp) => stderr.split('\n').filter((line) => pattern.test(line)).length;
  const result = {
    persistence,
    core: coreSources ? 'FAULT_CORE_SOURCES' : 'this checkout',
    'redis pid stopped': pid,
    'Redis down ms': downMs,
    'of which stop, start ms': `${stopMs}, ${restartMs}`,
    ids: IDS,
    copies: IDS * COPIES,
    requests: tally.requests,
    answers: [...tally.statuses].map(([status, n]) => `${status}×${n}`).join(' '),
    'complete() failed': lines(/failed to record \S+ as processed(;| \()/),
    'complete() given up': lines(/as processed after \d+ tries/),
    'copies never 200': tally.unanswered,
    'ids lost (0 runs)': counts.filter((n) => n === 0).length,
    'ids run once': counts.filter((n) => n === 1).length,
    'ids run twice or more': counts.filter((n) => n > 1).length,
    'extra runs': counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    seconds: seconds.toFixed(1),
  };
  await Promise.all(instances.map((instance) => instance.stop()));
  return result;
}

it('500 ids × 4 copies on two instances, Redis stopped ~2 s mid-run: with AOF, no id lost and none run twice', async () => {
  const script = await bundleInstance(coreSources ? { coreSources } : {});
  cleanup.push(() => rm(script, { force: true }));
  const none = await run('none', script);
  const aof = await run('aof', script);
  console.info(
    `\nfault benchmark (Node ${process.version}, lease ${LEASE_MS} ms, handlerTimeoutMs ${HANDLER_TIMEOUT_MS}, outage at ${OUTAGE_AT_MS} ms, retries every ${RETRY_AFTER_MS} ms)`,
  );
  console.table([aof, none]);
  // Every id was processed at least once and every copy was eventually answered, with or
  // without persistence.
  for (const result of [aof, none]) {
    expect(result['ids lost (0 runs)']).toBe(0);
    expect(result['copies never 200']).toBe(0);
  }
  // The guarantee needs the keys to survive the restart: with AOF, no double run.
  if (!coreSources) expect(aof['ids run twice or more']).toBe(0);
});
