/**
 * Server instances as separate Node processes: `test/fixtures/instance.ts` bundled once per run
 * with esbuild (core from its sources, ioredis left external so the installed copy is used).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const coreSources = fileURLToPath(new URL('../../../core/src/', import.meta.url));

/**
 * Bundles the instance script; returns its path (inside this package, so `ioredis` resolves).
 * `coreSources` bundles another copy of core's `src/` (e.g. an older commit's, for a "before"
 * measurement); an entry point that copy lacks resolves to its index.
 */
export async function bundleInstance(options: { coreSources?: string } = {}): Promise<string> {
  const core = options.coreSources ?? coreSources;
  const dir = `${packageRoot}node_modules/.cache/redis-tests`;
  await mkdir(dir, { recursive: true });
  const outfile = `${dir}/instance-${process.pid}-${Date.now()}.mjs`;
  await build({
    entryPoints: [`${packageRoot}test/fixtures/instance.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['ioredis'],
    logLevel: 'error',
    plugins: [
      {
        name: 'core-sources',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^@composio-webhooks\/core(\/.*)?$/ }, (args) => {
            const entry = args.path === '@composio-webhooks/core' ? 'index' : args.path.slice(24);
            const path = `${core}${entry}.ts`;
            return { path: existsSync(path) ? path : `${core}index.ts` };
          });
        },
      },
    ],
  });
  return outfile;
}

export interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM and wait; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, no cleanup at all. */
  kill(): Promise<void>;
}

export async function startInstance(
  script: string,
  env: Record<string, string>,
): Promise<Instance> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start: ${stderr}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code} before READY: ${stderr}`));
    });
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    name: env.INSTANCE ?? 'instance',
    url: `http://127.0.0.1:${port}/webhooks/composio`,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Posted {
  status: number;
  body: { ok: boolean; duplicate?: true; error?: { code: string } };
}

export async function post(
  url: string,
  delivery: { body: string; headers: Record<string, string> },
): Promise<Posted> {
  const response = await fetch(url, {
    method: 'POST',
    body: delivery.body,
    headers: delivery.headers,
  });
  return { status: response.status, body: (await response.json()) as Posted['body'] };
}
