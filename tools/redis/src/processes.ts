/**
 * Test programs run as separate Node processes (server instances, queue workers): a TypeScript
 * entry bundled once per run with esbuild — workspace packages from their sources, the
 * frameworks and clients left external so the installed copies are used — then started, with
 * `READY <port>` on stdout meaning "listening" (or another line: `StartInstanceOptions.ready`).
 * An instance still running when this process exits is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));

/** The part of esbuild's `build` used here (the caller passes its own esbuild). */
export type EsbuildBuild = (options: {
  entryPoints: string[];
  outfile: string;
  bundle: true;
  platform: 'node';
  format: 'esm';
  target: string;
  external: string[];
  logLevel: 'error';
  banner: { js: string };
  plugins: {
    name: string;
    setup(build: {
      onResolve(
        options: { filter: RegExp },
        callback: (args: { path: string }) => { path: string },
      ): void;
    }): void;
  }[];
}) => Promise<unknown>;

/**
 * Bundles `entry` into `<packageRoot>/node_modules/.cache/<cacheName>/` (inside the package, so
 * its external dependencies resolve from there); returns the bundle's path.
 */
export async function bundleScript(
  build: EsbuildBuild,
  options: {
    packageRoot: string;
    entry: string;
    cacheName: string;
    external: string[];
    /**
     * Another copy of core's `src/` to bundle instead of this checkout's (e.g. an older commit's,
     * for a "before" measurement); an entry point that copy lacks resolves to its index.
     */
    coreSources?: string;
  },
): Promise<string> {
  const { coreSources } = options;
  const dir = `${options.packageRoot}node_modules/.cache/${options.cacheName}`;
  await mkdir(dir, { recursive: true });
  const name = options.entry.replace(/^.*\//, '').replace(/\.ts$/, '');
  const outfile = `${dir}/${name}-${process.pid}-${Date.now()}.mjs`;
  await build({
    entryPoints: [`${options.packageRoot}${options.entry}`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: options.external,
    logLevel: 'error',
    // Bundled CommonJS dependencies (raw-body, …) require Node built-ins at run time.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'workspace-sources',
        setup(pluginBuild) {
          // @composio-webhooks/<pkg> → packages/<pkg>/src/index.ts; /<sub> → src/<sub>.ts
          pluginBuild.onResolve({ filter: /^@composio-webhooks\/[^/]+(\/.*)?$/ }, (args) => {
            const [, pkg, sub] = /^@composio-webhooks\/([^/]+)(?:\/(.*))?$/.exec(args.path) ?? [];
            if (pkg === 'core' && coreSources) {
              const path = `${coreSources}${sub ?? 'index'}.ts`;
              return { path: existsSync(path) ? path : `${coreSources}index.ts` };
            }
            return { path: `${packagesDir}${pkg}/src/${sub ?? 'index'}.ts` };
          });
        },
      },
    ],
  });
  return outfile;
}

export interface Instance {
  name: string;
  /** `http://127.0.0.1:<port>/webhooks/composio` (the port printed with READY). */
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, no cleanup at all. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface StartInstanceOptions {
  /** Node arguments before the script, e.g. `['--import', 'tsx']` to run TypeScript as it is. */
  nodeArgs?: readonly string[];
  /** Working directory (default this process's): where `--import tsx` and a tsconfig are found. */
  cwd?: string;
  /**
   * The stdout line that means "started"; its first group, when there is one, is the port.
   * Default `/READY (\d+)/`.
   */
  ready?: RegExp;
  /** How long to wait for it. Default 15 s. */
  readyTimeoutMs?: number;
}

export async function startInstance(
  script: string,
  env: Record<string, string>,
  options: StartInstanceOptions = {},
): Promise<Instance> {
  const ready = options.ready ?? /READY (\d+)/;
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not print ${ready} within ${readyTimeoutMs} ms: ${stderr}`));
    }, readyTimeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = ready.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1] ?? 0));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before ${ready}: ${stderr}`));
    });
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    name: env.INSTANCE ?? 'instance',
    url: `http://127.0.0.1:${port}/webhooks/composio`,
    child,
    stdout: () => stdout,
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
