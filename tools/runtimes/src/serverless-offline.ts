/**
 * serverless-offline (the Serverless Framework v3 plugin) as a test server: a real local
 * emulation of API Gateway (REST and HTTP APIs) and Lambda that builds the events and invokes the
 * handlers of a `serverless.yml`. Used by the AWS Lambda package's conformance run and its example.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface ServerlessOffline {
  /** e.g. `http://127.0.0.1:4123`: REST API routes are under the stage (`/dev/...`). */
  url: string;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface ServerlessOfflineOptions {
  /** The folder with `serverless.yml`. */
  cwd: string;
  /** A folder whose package.json depends on `serverless` (where to resolve its binary from). */
  resolveFrom: string;
  env?: Record<string, string>;
  /** How long the start may take (default 90 s; ~20 s on a quiet machine). */
  timeoutMs?: number;
}

/**
 * Starts `serverless offline start` on free ports and resolves once it serves. Handlers run in
 * this process's child (`--useInProcess`: one warm instance, as a single Lambda container).
 */
export async function startServerlessOffline(
  options: ServerlessOfflineOptions,
): Promise<ServerlessOffline> {
  const require = createRequire(join(options.resolveFrom, 'package.json'));
  const bin = join(require.resolve('serverless/package.json'), '..', 'bin', 'serverless.js');
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      bin,
      'offline',
      'start',
      '--host',
      '127.0.0.1',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
      '--useInProcess',
      '--noTimeout',
    ],
    {
      cwd: options.cwd,
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        SLS_DEPRECATION_DISABLE: '*',
        FORCE_COLOR: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let printed = '';
  const collect = (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  while (!printed.includes('Server ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `[@composio-webhooks/test-runtimes] serverless offline did not start (${child.exitCode === null ? 'timed out' : `exit ${child.exitCode}`}):\n${printed.slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${httpPort}`, output: () => printed, stop };
}
