/**
 * A throwaway PostgreSQL server on a free loopback port: its own data directory (initdb, trust
 * authentication, no fsync), started as the `postgres` user when this process is root (the server
 * refuses root), stopped, killed or frozen and then restarted on the same port and data for the
 * outage tests. The server is a direct child of this process with a parent-death signal: when this process dies, even by SIGKILL, the server shuts down with it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, chownSync, constants, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@composio-webhooks/test-runtimes';

const run = promisify(execFile);

/** How to get the PostgreSQL server binaries when they are missing. */
export const POSTGRES_INSTALL_HINT =
  'apt-get install -y postgresql-15 (Debian/Ubuntu; binaries in /usr/lib/postgresql/15/bin), or set POSTGRES_BIN to the folder holding initdb and postgres';

const DEFAULT_BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin'];

/** The folder holding `initdb` and `postgres`: `POSTGRES_BIN`, else Debian's, else `undefined`. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.POSTGRES_BIN ? [env.POSTGRES_BIN] : DEFAULT_BIN_DIRS;
  for (const dir of candidates) {
    try {
      accessSync(join(dir, 'postgres'), constants.X_OK);
      accessSync(join(dir, 'initdb'), constants.X_OK);
      return dir;
    } catch {
      // Not there.
    }
  }
  return undefined;
}

const READY_LINE = /database system is ready to accept connections/;
/** The OS user the server runs as when this process is root. */
const SERVER_USER = 'postgres';

const live = new Set<PostgresServer>();
process.once('exit', () => {
  for (const server of live) server.destroySync();
});

/** How `stop()` shuts the server down (PostgreSQL's shutdown modes). */
export type ShutdownMode =
  /** SIGINT: disconnects every client, aborts their transactions, writes a checkpoint. */
  | 'fast'
  /** SIGQUIT: every process exits at once, as in a crash; the next start runs recovery. */
  | 'immediate';

const SHUTDOWN_SIGNAL: Record<ShutdownMode, NodeJS.Signals> = {
  fast: 'SIGINT',
  immediate: 'SIGQUIT',
};

export class PostgresServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    /** The temporary folder: `data/` (the cluster) and the Unix socket. */
    readonly dir: string,
    private readonly bin: string,
  ) {}

  /** initdb in a fresh temporary folder, then starts the server on a free port. */
  static async start(): Promise<PostgresServer> {
    const bin = findPostgresBin();
    if (!bin)
      throw new Error(
        `PostgreSQL server binaries not found. Install them: ${POSTGRES_INSTALL_HINT}.`,
      );
    const dir = await mkdtemp(join(tmpdir(), 'composio-pg-'));
    const asRoot = process.getuid?.() === 0;
    try {
      if (asRoot) chownToServerUser(dir);
      await run(
        join(bin, 'initdb'),
        [
          '-D',
          join(dir, 'data'),
          '-A',
          'trust',
          '-U',
          'postgres',
          '-E',
          'UTF8',
          '--locale=C',
          '--no-sync',
        ],
        {
          env: { ...process.env, LC_ALL: 'C' },
          ...(asRoot && { uid: serverUid(), gid: serverGid() }),
        },
      );
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`initdb failed in ${dir}: ${(error as Error).message}`);
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new PostgresServer(await freePort(), dir, bin);
      live.add(server);
      try {
        await server.restart();
        return server;
      } catch (error) {
        live.delete(server);
        lastError = error;
      }
    }
    await rm(dir, { recursive: true, force: true });
    throw lastError;
  }

  /** `postgres://postgres@127.0.0.1:<port>/<database>` (trust authentication: no password). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** What the server wrote to stderr since its last start (its log). */
  log(): string {
    return this.output;
  }

  /** (Re)starts the server on its port and data, resolving once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) throw new Error(`PostgreSQL on ${this.port} is already running`);
    const args = [
      '-D',
      join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-k',
      this.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ];
    // fsync=off costs nothing in durability here: a crash of the server (stop('immediate'),
    // kill()) keeps what reached the OS. synchronous_commit stays on, so every commit a client
    // saw is in the WAL, as in production: the outage tests rely on it.
    const postgres = join(this.bin, 'postgres');
    // setpriv execs the server (no process in between) as the postgres user, with SIGQUIT
    // (immediate shutdown) as its parent-death signal: no server outlives this process.
    const asRoot = process.getuid?.() === 0;
    const child = spawn(
      'setpriv',
      [
        ...(asRoot ? [`--reuid=${SERVER_USER}`, `--regid=${SERVER_USER}`, '--init-groups'] : []),
        '--pdeathsig',
        'SIGQUIT',
        '--',
        postgres,
        ...args,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
    this.output = '';
    const port = this.port;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('did not become ready within 20 s')), 20_000);
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        if (READY_LINE.test(this.output)) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null): void => fail(new Error(`exited with ${code}`));
      const onError = (error: Error): void => fail(error);
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('error', onError);
      };
      const fail = (error: Error): void => {
        cleanup();
        if (child.pid !== undefined) signalAll(serverProcesses(child.pid), 'SIGKILL');
        reject(new Error(`PostgreSQL on port ${port}: ${error.message}.\n${this.output}`));
      };
      child.stderr?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
  }

  /**
   * Stops the server and waits until every one of its processes is gone; the data stays for
   * `restart()`. `immediate` is a crash as far as clients can tell.
   */
  async stop(mode: ShutdownMode = 'fast'): Promise<void> {
    await this.end(SHUTDOWN_SIGNAL[mode]);
  }

  /** SIGKILL to the server and all its processes: no shutdown at all. The data stays. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  /** Freezes the server and every backend: connections stay open, queries get no answer. */
  pause(): void {
    if (this.child?.pid !== undefined) signalAll(serverProcesses(this.child.pid), 'SIGSTOP');
  }

  resume(): void {
    if (this.child?.pid !== undefined) signalAll(serverProcesses(this.child.pid), 'SIGCONT');
  }

  /** Stops the server (fast) and deletes its data. */
  async destroy(): Promise<void> {
    live.delete(this);
    await this.stop('fast');
    await rm(this.dir, { recursive: true, force: true });
  }

  /** For the exit handler: kill everything and delete the data, synchronously. */
  destroySync(): void {
    live.delete(this);
    const pid = this.child?.pid;
    if (pid !== undefined) signalAll(serverProcesses(pid), 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    // Taken before the signal: after a SIGKILL the backends are orphans, found by pid only.
    const pids = serverProcesses(child.pid);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      signalAll(pids, 'SIGCONT');
      // Fast and immediate shutdowns go to the postmaster, which ends its children and waits for them.
      signalAll(signal === 'SIGKILL' ? pids : pids.slice(0, 1), signal);
      await exited;
    }
    this.child = undefined;
    // Wait for every process, so a restart finds the port and the shared memory free.
    const deadline = Date.now() + 10_000;
    while (anyAlive(pids)) {
      if (Date.now() > deadline) {
        signalAll(pids, 'SIGKILL');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** One `/proc/<pid>/stat`: its state and parent, or `undefined` once it is gone. */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid …; comm may hold spaces and parentheses.
  const [state = '', ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}

/**
 * The server's processes: the postmaster `pid` and its children (backends, checkpointer, …).
 * Each child is in a session of its own (PostgreSQL calls setsid), so they are found by parent.
 */
export function serverProcesses(pid: number): number[] {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry) && procStat(Number(entry))?.ppid === pid) pids.push(Number(entry));
  }
  return pids;
}

/** Whether any of `pids` still runs (zombies, waiting to be reaped, do not count). */
export function anyAlive(pids: readonly number[]): boolean {
  return pids.some((pid) => {
    const stat = procStat(pid);
    return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
  });
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

let ids: { uid: number; gid: number } | undefined;
function serverIds(): { uid: number; gid: number } {
  if (ids) return ids;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${SERVER_USER}:`));
  if (!line) {
    throw new Error(
      `this process is root and PostgreSQL refuses to run as root, but there is no "${SERVER_USER}" user to run it as. Install the server package (${POSTGRES_INSTALL_HINT}), or run the tests as another user.`,
    );
  }
  const [, , uid, gid] = line.split(':');
  ids = { uid: Number(uid), gid: Number(gid) };
  return ids;
}
function serverUid(): number {
  return serverIds().uid;
}
function serverGid(): number {
  return serverIds().gid;
}
function chownToServerUser(dir: string): void {
  chownSync(dir, serverUid(), serverGid());
}
