/**
 * `startServer()`: one real server process on a chosen runtime, on a free loopback port, ready
 * when it answers HTTP; `close()` ends its whole process group.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { type RuntimeName, runtimeBinary } from './runtimes.js';
import { prepareWorker } from './workerd.js';

const PREFIX = '[@composio-webhooks/test-runtimes]';
/** Each stream keeps its last 256 KiB, so a chatty server cannot grow the test's memory. */
const LOG_LIMIT = 256 * 1024;

export interface StartServerOptions {
  runtime: RuntimeName;
  /**
   * The server's entry file. Node, Bun and Deno run it as is (Node 20 needs JavaScript); it
   * listens on `process.env.PORT` (`Deno.env.get('PORT')`, `Bun.env.PORT`) on 127.0.0.1.
   * For workerd it is a module Worker (`export default { fetch }`), bundled with esbuild; the
   * port is in the generated config.
   */
  entry: string | URL;
  /** Extra environment. workerd: each one is a text binding (`env.NAME` in `fetch`). */
  env?: Record<string, string>;
  /** Extra runtime arguments, placed before the entry (workerd: after `serve <config>`). */
  args?: readonly string[];
  /** Path polled until the server answers with any HTTP status. Default `/`. */
  readyPath?: string;
  /** How long to wait for the first answer. Default 20 s. */
  readyTimeoutMs?: number;
  /** workerd only: compatibility flags, e.g. `['nodejs_compat']`. */
  compatibilityFlags?: readonly string[];
  /** workerd only: addresses the Worker's `fetch()` may reach. Default public, private, local. */
  allowNetwork?: readonly ('public' | 'private' | 'local')[];
}

export interface ServerLogs {
  stdout: string;
  stderr: string;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  port: number;
  runtime: RuntimeName;
  pid: number;
  logs(): ServerLogs;
  /** Ends the process group (SIGTERM, then SIGKILL after 3 s); resolves once it has exited. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

interface Command {
  file: string;
  args: string[];
  env: Record<string, string>;
  cleanup?: () => Promise<void>;
}

async function command(options: StartServerOptions, port: number): Promise<Command> {
  const file = runtimeBinary(options.runtime);
  const entry =
    typeof options.entry === 'string' ? resolve(options.entry) : fileURLToPath(options.entry);
  const extra = [...(options.args ?? [])];
  const env = { ...options.env, PORT: String(port) };
  switch (options.runtime) {
    case 'node20':
    case 'node22':
    case 'node24':
    case 'bun':
      return { file, args: [...extra, entry], env };
    case 'deno':
      return {
        file,
        args: ['run', '--allow-net', '--allow-env', '--allow-read', ...extra, entry],
        env: { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', ...env },
      };
    case 'workerd': {
      const worker = await prepareWorker(entry, {
        port,
        bindings: options.env ?? {},
        ...(options.compatibilityFlags && { compatibilityFlags: options.compatibilityFlags }),
        ...(options.allowNetwork && { allowNetwork: options.allowNetwork }),
      });
      return {
        file,
        args: ['serve', worker.configPath, '--verbose', ...extra],
        // The Worker's env is its bindings; the process gets none of them.
        env: {},
        cleanup: () => rm(worker.dir, { recursive: true, force: true }),
      };
    }
  }
}

function appendCapped(current: string, chunk: Buffer): string {
  const next = current + chunk.toString('utf8');
  return next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
}

function describe(options: StartServerOptions, logs: ServerLogs): string {
  const stderr = logs.stderr.trim() || '(empty)';
  const stdout = logs.stdout.trim();
  return `\n--- ${options.runtime} stderr ---\n${stderr}${stdout ? `\n--- stdout ---\n${stdout}` : ''}`;
}

/** Starts `entry` on `runtime` and resolves once it answers HTTP on a free loopback port. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const cmd = await command(options, port);
  const logs: ServerLogs = { stdout: '', stderr: '' };
  const child = spawn(cmd.file, cmd.args, {
    env: { ...process.env, ...cmd.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so close() also ends whatever the runtime started.
    detached: true,
  });
  running.add(child);
  child.stdout?.on('data', (chunk: Buffer) => {
    logs.stdout = appendCapped(logs.stdout, chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    logs.stderr = appendCapped(logs.stderr, chunk);
  });
  let exitCode: number | null | undefined;
  let exitSignal: NodeJS.Signals | null = null;
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      running.delete(child);
      done();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (exitCode === undefined) {
        killGroup(child, 'SIGTERM');
        const killer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
        await exited;
        clearTimeout(killer);
      }
      // A runtime may leave children behind after its own exit.
      killGroup(child, 'SIGKILL');
      await cmd.cleanup?.();
    })();
    return closing;
  };

  const url = `http://127.0.0.1:${port}`;
  const readyUrl = `${url}${options.readyPath ?? '/'}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (spawnError) {
      await close();
      throw new Error(
        `${PREFIX} ${options.runtime}: could not start ${cmd.file}: ${spawnError.message}`,
      );
    }
    if (exitCode !== undefined) {
      await close();
      throw new Error(
        `${PREFIX} ${options.runtime} exited (${exitSignal ?? `code ${exitCode}`}) before ` +
          `answering ${readyUrl}.${describe(options, logs)}`,
      );
    }
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(
        `${PREFIX} ${options.runtime} did not answer ${readyUrl} within ` +
          `${options.readyTimeoutMs ?? 20_000} ms.${describe(options, logs)}`,
      );
    }
    await sleep(50);
  }

  return {
    url,
    port,
    runtime: options.runtime,
    pid: child.pid ?? -1,
    logs: () => ({ ...logs }),
    close,
  };
}
