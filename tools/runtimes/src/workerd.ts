/**
 * workerd runs a Worker from a Cap'n Proto config, not a script path: the entry is bundled with
 * esbuild into one ES module, and the config declares it with text bindings for `env`, one HTTP
 * socket on the chosen loopback port, and an `internet` network service that also allows local
 * and private addresses, so the Worker's `fetch()` can reach servers a test runs on 127.0.0.1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/** A recent date the pinned workerd supports; Workers see today's Web APIs. */
export const WORKERD_COMPATIBILITY_DATE = '2025-09-01';

export interface WorkerdConfigInput {
  /** File name of the bundled module, beside the config. */
  moduleFile: string;
  port: number;
  /** Each entry becomes `env.NAME` in the Worker, as a text binding. */
  bindings: Record<string, string>;
  compatibilityFlags?: readonly string[];
  /** Network the Worker's `fetch()` may reach. Default: public, private and local addresses. */
  allowNetwork?: readonly ('public' | 'private' | 'local')[];
}

/**
 * Cap'n Proto text literal. Bytes outside printable ASCII are written as `\xNN` escapes of their
 * UTF-8 encoding, so any string (quotes, backslashes, new lines, non-ASCII) survives.
 */
export function capnpString(value: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(value)) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

const BINDING_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function workerdConfig(input: WorkerdConfigInput): string {
  const bindings = Object.entries(input.bindings).map(([name, value]) => {
    if (!BINDING_NAME.test(name)) {
      throw new Error(
        `[@composio-webhooks/test-runtimes] workerd: env name ${JSON.stringify(name)} is not a ` +
          'valid binding name (letters, digits, _ and $; not starting with a digit).',
      );
    }
    return `(name = ${capnpString(name)}, text = ${capnpString(value)})`;
  });
  const flags = (input.compatibilityFlags ?? []).map(capnpString);
  const allow = (input.allowNetwork ?? ['public', 'private', 'local']).map(capnpString);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = [${allow.join(', ')}])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${input.port}", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${capnpString(input.moduleFile)})],
  compatibilityDate = "${WORKERD_COMPATIBILITY_DATE}",
  compatibilityFlags = [${flags.join(', ')}],
  bindings = [${bindings.join(', ')}],
  globalOutbound = "internet",
);
`;
}

function nodeCompat(flags: readonly string[] | undefined): boolean {
  return (flags ?? []).some((flag) => flag.startsWith('nodejs_compat'));
}

export interface PreparedWorker {
  dir: string;
  configPath: string;
}

/** Bundles `entry` for workerd and writes the config beside it, in a new temporary folder. */
export async function prepareWorker(
  entry: string,
  input: Omit<WorkerdConfigInput, 'moduleFile'>,
): Promise<PreparedWorker> {
  const dir = await mkdtemp(join(tmpdir(), 'composio-workerd-'));
  try {
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      // What Cloudflare's own bundler picks: Worker builds first, then browser ones.
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      // With nodejs_compat, workerd provides Node's modules itself (`node:x`, and `x` as tsup
      // writes it): leave them to it.
      external: nodeCompat(input.compatibilityFlags) ? ['node:*', ...builtinModules] : [],
      logLevel: 'silent',
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `[@composio-webhooks/test-runtimes] workerd: bundling ${entry} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const configPath = join(dir, 'config.capnp');
  await writeFile(configPath, workerdConfig({ ...input, moduleFile: 'worker.js' }));
  return { dir, configPath };
}
