/** The throwaway server: start, stop/kill/pause and restart on the same port and data, no orphans. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  anyAlive,
  createTestDatabase,
  databaseUrl,
  PostgresServer,
  serverProcesses,
} from '../src/index.js';

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function backendPid(client: pg.Client): Promise<number> {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  return (rows[0] as { pid: number }).pid;
}

describe('PostgresServer', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await PostgresServer.start();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('runs PostgreSQL 15 on loopback, as a non-root user, with trust authentication', async () => {
    expect(server.url()).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    const [row] = (await query(
      server.url(),
      "SELECT current_setting('server_version_num')::int / 10000 AS major, current_user AS who, inet_server_addr()::text AS addr",
    )) as { major: number; who: string; addr: string }[];
    expect(row).toEqual({ major: 15, who: 'postgres', addr: '127.0.0.1/32' });
  });

  it('gives each caller a fresh database, and drops it', async () => {
    const a = await createTestDatabase(server.url());
    const b = await createTestDatabase(server.url());
    expect(a.name).not.toBe(b.name);
    await query(a.url, 'CREATE TABLE t (x int)');
    await expect(query(b.url, 'SELECT * FROM t')).rejects.toThrow(/relation "t" does not exist/);
    await a.drop();
    await b.drop();
    await expect(query(a.url, 'SELECT 1')).rejects.toThrow(/does not exist/);
  });

  it('stops and restarts on the same port with its data (fast, immediate, SIGKILL)', async () => {
    const db = await createTestDatabase(server.url());
    await query(db.url, 'CREATE TABLE kept (x int); INSERT INTO kept VALUES (1)');
    let kept = 0;
    for (const stop of [() => server.stop(), () => server.stop('immediate'), () => server.kill()]) {
      // A connection open across the stop: its backend must go too.
      const open = new pg.Client({ connectionString: db.url });
      open.on('error', () => {});
      await open.connect();
      // A commit acknowledged just before a crash is kept (synchronous_commit is on).
      await open.query('INSERT INTO kept VALUES (2)');
      const backend = await backendPid(open);
      const pids = serverProcesses(server.pid as number);
      expect(pids).toContain(backend); // postmaster, checkpointer, …, the open connection's backend
      await stop();
      expect(server.running).toBe(false);
      expect(anyAlive(pids)).toBe(false);
      await open.end().catch(() => {});
      await expect(query(db.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
      await server.restart();
      expect(await query(db.url, 'SELECT x FROM kept WHERE x = 1')).toEqual([{ x: 1 }]);
      kept++;
      expect(await query(db.url, 'SELECT count(*)::int AS n FROM kept WHERE x = 2')).toEqual([
        { n: kept },
      ]);
    }
    await db.drop();
  });

  it('pauses: open connections get no answer until it resumes', async () => {
    const client = new pg.Client({ connectionString: server.url() });
    await client.connect();
    try {
      server.pause();
      let answered = false;
      const pending = client.query('SELECT 1 AS one').then((result) => {
        answered = true;
        return result.rows;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered).toBe(false);
      server.resume();
      expect(await pending).toEqual([{ one: 1 }]);
    } finally {
      server.resume();
      await client.end();
    }
  });
});

it('destroy() stops every process and deletes the data folder', async () => {
  const server = await PostgresServer.start();
  const pids = serverProcesses(server.pid as number);
  expect(existsSync(server.dir)).toBe(true);
  await server.destroy();
  expect(anyAlive(pids)).toBe(false);
  expect(existsSync(server.dir)).toBe(false);
});

it('leaves no server behind when the process that started it is SIGKILLed', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./fixtures/start-and-wait.ts', import.meta.url))],
    // From this package's folder, where `--import tsx` resolves (vitest may run from the root).
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\d+) (\d+) (\S+)\n/.exec(stdout);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  const pid = Number(ready[1]);
  const url = `postgres://postgres@127.0.0.1:${ready[2]}/postgres`;
  const open = new pg.Client({ connectionString: url });
  open.on('error', () => {});
  await open.connect();
  const backend = await backendPid(open);
  const pids = serverProcesses(pid);
  expect(pids).toContain(backend);
  expect(anyAlive(pids)).toBe(true);
  child.kill('SIGKILL');
  // The postmaster and every process it had, the open connection's backend included.
  await vi.waitFor(() => expect(anyAlive(pids)).toBe(false), { timeout: 10_000, interval: 50 });
  await open.end().catch(() => {});
  // Nothing to run its exit handler: the data folder is left in the temp dir; remove it here.
  const { rm } = await import('node:fs/promises');
  await rm(ready[3] as string, { recursive: true, force: true });
});

describe('databaseUrl()', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is DATABASE_URL when set', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://someone@db.example:5433/app');
    expect(await databaseUrl()).toBe('postgres://someone@db.example:5433/app');
  });

  it('otherwise starts one server for this process, on first use, and reuses it', async () => {
    vi.stubEnv('DATABASE_URL', '');
    const [first, second] = await Promise.all([databaseUrl(), databaseUrl()]);
    expect(first).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(second).toBe(first);
    const db = await createTestDatabase();
    expect(db.url).toBe(first.replace(/\/postgres$/, `/${db.name}`));
    expect(await query(db.url, 'SELECT current_database() AS name')).toEqual([{ name: db.name }]);
    await db.drop();
  });
});
