import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type RunningServer,
  type RuntimeName,
  type StartServerOptions,
  startServer,
} from '@composio-webhooks/test-runtimes';

/** A test server file in test/servers. */
export function serverFile(name: string): string {
  return fileURLToPath(new URL(`./servers/${name}`, import.meta.url));
}

/** The verifying server for each runtime. */
export const VERIFY_ENTRY: Record<RuntimeName, string> = {
  node20: serverFile('node.mjs'),
  node22: serverFile('node.mjs'),
  node24: serverFile('node.mjs'),
  bun: serverFile('bun.mjs'),
  deno: serverFile('deno.mjs'),
  workerd: serverFile('workerd.mjs'),
};

/** What each runtime reports about itself when it serves. */
export const REPORTS: Record<RuntimeName, RegExp> = {
  node20: /^node 20\./,
  node22: /^node 22\./,
  node24: /^node 24\./,
  bun: /^bun 1\./,
  deno: /^deno 2\./,
  workerd: /^workerd$/,
};

/** True while `pid` runs; a zombie (exited, not yet reaped by its new parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) STATE …"; the command may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Starts a server, hands it to `use`, and closes it whatever `use` does. */
export async function withServer(
  options: StartServerOptions,
  use: (server: RunningServer) => Promise<void>,
): Promise<void> {
  const server = await startServer(options);
  try {
    await use(server);
  } finally {
    await server.close();
  }
}
