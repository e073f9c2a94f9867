/**
 * Runs the real `composio-webhooks` binary as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by the test run's global setup to the binary it built; else the package's build. */
export const BIN_ENV = 'COMPOSIO_WEBHOOKS_CLI_TEST_BIN';
export const BIN =
  process.env[BIN_ENV] ?? fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** A clean environment: nothing from the developer's shell (no real API key, no colour forcing). */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return base;
}

export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return run(process.execPath, [BIN, ...args], env);
}

export interface RunningCli {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line (now or later) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running command (`listen`). */
export function startCli(args: string[], env: Record<string, string | undefined> = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs = 5000) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no matching line within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Starts `listen --port 0 …` and waits for the line that says where it listens. */
export async function startListenCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ cli: RunningCli; origin: string }> {
  const cli = startCli(['listen', '--port', '0', ...args], env);
  try {
    const first = await cli.waitForLine((line) => line.includes('http://127.0.0.1:'));
    return { cli, origin: /http:\/\/127\.0\.0\.1:\d+/.exec(first)?.[0] ?? '' };
  } catch (error) {
    await cli.stop();
    throw error;
  }
}

/** The request lines `listen --json` printed so far. */
export function listenRecords(cli: RunningCli): Record<string, unknown>[] {
  return cli.lines
    .filter((line) => line.startsWith('{"time"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Compiles a TypeScript snippet printed by the CLI under the repository's strict settings, as an
 * ES module beside this package (so `@composio-webhooks/*` resolve), then runs it with `env`.
 * `tsc` is the compiler's output: empty when it compiled cleanly.
 */
export async function compileAndRun(
  source: string,
  env: Record<string, string>,
): Promise<{ tsc: string; code: number | null; stderr: string }> {
  const dir = mkdtempSync(join(PACKAGE_DIR, '.snippet-'));
  try {
    writeFileSync(join(dir, 'snippet.mts'), source);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.base.json',
        compilerOptions: { outDir: 'out', declaration: false, sourceMap: false },
        files: ['snippet.mts'],
      }),
    );
    const tsc = await run(process.execPath, [TSC, '-p', dir], {});
    if (tsc.code !== 0) return { tsc: tsc.stdout + tsc.stderr, code: null, stderr: '' };
    const result = await run(process.execPath, [join(dir, 'out', 'snippet.mjs')], env);
    return { tsc: '', code: result.code, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function run(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, durationMs: performance.now() - started }),
    );
  });
}

/** For tests outside this package: they need the built binary (`pnpm build`). */
export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm build).`);
}
