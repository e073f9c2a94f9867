/**
 * A throwaway `redis-server` process on a free loopback port: no persistence (or an append-only
 * file in its own directory), stopped and restarted on the same port (and directory) for the
 * outage tests and the fault benchmark, paused with SIGSTOP for the timeout tests. Shared by the
 * test suites of every package that needs a real Redis (`extraArgs` for the cluster nodes of
 * `redis-cluster.ts`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@composio-webhooks/test-runtimes';

/** How to get `redis-server` when it is missing. */
export const REDIS_SERVER_INSTALL_HINT =
  'apt-get install -y redis-server (Debian/Ubuntu) or brew install redis';

/** The `redis-server` executable on `path` (default `PATH`), or `undefined` when there is none. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

const READY_LINE = /Ready to accept connections/;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface RedisServerOptions {
  /**
   * A directory for an append-only file (`appendonly yes`, fsync every second, fsynced on
   * SIGTERM): a restart on it keeps every key. Default: no persistence, a restart forgets all.
   */
  aofDir?: string;
  /** More `redis-server` arguments (e.g. `--cluster-enabled yes`). */
  extraArgs?: readonly string[];
}

export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  /** Starts `redis-server` on a free port (another one if the port was taken meanwhile). */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const server = new RedisServer(await freePort(), options);
      try {
        await server.restart();
        return server;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** (Re)starts the server on its port and resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) throw new Error(`redis-server on ${this.port} is already running`);
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        this.options.aofDir ? 'yes' : 'no',
        '--dir',
        this.options.aofDir ?? tmpdir(),
        '--loglevel',
        'notice',
        ...(this.options.extraArgs ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.add(child);
    child.once('exit', () => running.delete(child));
    let output = '';
    const port = this.port;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('did not become ready within 10 s')), 10_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (READY_LINE.test(output)) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null): void => fail(new Error(`exited with ${code}`));
      const onError = (error: Error): void => fail(error);
      function cleanup(): void {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
      }
      function fail(error: Error): void {
        cleanup();
        child.kill('SIGKILL');
        const hint =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? ` Install it: ${REDIS_SERVER_INSTALL_HINT}.`
            : '';
        reject(new Error(`redis-server on port ${port}: ${error.message}.${hint}\n${output}`));
      }
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
    // Keep draining the pipes so the server never blocks on a full one.
    child.stdout?.resume();
    child.stderr?.resume();
    this.child = child;
  }

  /** The server's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops the server (SIGTERM: no RDB save; the AOF, if any, is fsynced) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
  }

  /** Freezes the server: connections stay open, commands get no answer. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }
}
