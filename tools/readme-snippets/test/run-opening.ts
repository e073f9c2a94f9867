/**
 * Runs one compiled README opening snippet the way its README means it to run, and says what
 * happened: a snippet that listens gets one signed delivery over HTTP; one that exports a handler
 * (Web, Next.js, Lambda, core's `handle`) is called with one by driver.mjs; any other runs to its
 * end. `printed` is the process's output, where the snippet's handlers log.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { startServer } from '@composio-webhooks/test-runtimes';

const run = promisify(execFile);

export interface OpeningRun {
  /** The status of the signed delivery; `undefined` for a snippet that only runs to its end. */
  status: number | undefined;
  /** Everything the process printed (stdout and stderr). */
  printed: string;
}

/** What a snippet does when run: serve on a port, export a handler, or run to its end. */
export type OpeningKind =
  | { kind: 'listens' }
  | { kind: 'exports'; name: string; call: 'request' | 'lambda' }
  | { kind: 'runs' };

/** `3000` in a snippet (its port) becomes the port the test gives it in `PORT`. */
export const usePortFromEnv = (snippet: string) =>
  snippet.replace(/\b3000\b/g, 'Number(process.env.PORT)');

export function openingKind(snippet: string): OpeningKind {
  if (/\b3000\b/.test(snippet)) return { kind: 'listens' };
  const name = /^export\s+(?:const|let|async\s+function|function)\s+(\w+)/m.exec(snippet)?.[1];
  const exported = name ?? (/^export\s+default\b/m.test(snippet) ? 'default' : undefined);
  if (exported === undefined) return { kind: 'runs' };
  const lambda = snippet.includes("from '@composio-webhooks/aws-lambda'");
  return { kind: 'exports', name: exported, call: lambda ? 'lambda' : 'request' };
}

/** Waits (at most 20 s) until `read()` includes `text`; resolves to what it last read. */
async function waitFor(read: () => string, text: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (!read().includes(text) && Date.now() < deadline) await sleep(100);
  return read();
}

/**
 * Runs `file` (in the scratch project at `scratch`) with `env`. `expect`: text the handlers print
 * for the delivery, waited for after the answer.
 */
export async function runOpening(
  scratch: string,
  file: string,
  kind: OpeningKind,
  env: Record<string, string>,
  expect: string | undefined,
): Promise<OpeningRun> {
  const options = { cwd: scratch, env: { ...process.env, ...env }, timeout: 60_000 };
  if (kind.kind === 'runs') {
    const { stdout, stderr } = await run(process.execPath, [file], options);
    return { status: undefined, printed: stdout + stderr };
  }
  if (kind.kind === 'exports') {
    const driver = fileURLToPath(new URL('./driver.mjs', import.meta.url));
    const copy = join(scratch, 'driver.mjs');
    await run('cp', [driver, copy]);
    const { stdout, stderr } = await run(
      process.execPath,
      [copy, file, kind.name, kind.call],
      options,
    );
    const last = stdout.trim().split('\n').pop() ?? '{}';
    return { status: (JSON.parse(last) as { status?: number }).status, printed: stdout + stderr };
  }
  const server = await startServer({
    runtime: 'node20',
    entry: file,
    env,
    readyPath: '/webhooks/composio',
    readyTimeoutMs: 60_000,
  });
  const printed = () => `${server.logs().stdout}${server.logs().stderr}`;
  try {
    const { body, headers } = await signWebhook({
      payload: buildTriggerMessage(),
      secret: env.COMPOSIO_WEBHOOK_SECRET as string,
    });
    const response = await fetch(`${server.url}/webhooks/composio`, {
      method: 'POST',
      headers,
      body,
    });
    await response.arrayBuffer();
    return {
      status: response.status,
      printed: expect ? await waitFor(printed, expect) : printed(),
    };
  } finally {
    await server.close();
  }
}
