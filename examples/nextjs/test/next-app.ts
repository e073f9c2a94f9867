/**
 * The example as users run it: `next build` (once per test run, timed) and `next start` in a
 * real server process on a free port. Also used by `pnpm demo`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from '@composio-webhooks/test-runtimes';

export const appDir = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** Runs `next build`; resolves to how long it took (ms). */
export async function buildNext(): Promise<number> {
  const started = performance.now();
  try {
    await promisify(execFile)(process.execPath, [nextBin, 'build'], {
      cwd: appDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  return performance.now() - started;
}

/** `next build` unless a build is there already. */
export async function ensureBuilt(): Promise<void> {
  if (!existsSync(`${appDir}.next/BUILD_ID`)) await buildNext();
}

/** `next start` with this environment (the secret, COMPOSIO_CONFORMANCE=1 for the suite). */
export function startNext(env: Record<string, string>): Promise<RunningServer> {
  return startServer({
    runtime: 'node20',
    entry: fileURLToPath(new URL('./next-start.mjs', import.meta.url)),
    env: { NEXT_TELEMETRY_DISABLED: '1', ...env },
    readyPath: '/api/demo/handled',
    readyTimeoutMs: 60_000,
  });
}
