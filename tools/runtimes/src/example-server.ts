/**
 * The tests every example's `src/server.ts` gets: started as `pnpm start` starts it (Node with
 * tsx) on `PORT` with `COMPOSIO_WEBHOOK_SECRET` from the environment, it says where it listens
 * and answers a signed delivery 200; without the secret it exits 1 naming the variable.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './ports.js';

export interface ExampleServerOptions {
  /** The secret the server is started with (and the delivery signed with). */
  secret: string;
  /** Lines the server's output must contain once the delivery was handled. */
  output?: readonly string[];
}

const READY = 'Receiving Composio webhooks on';

/** `exampleDir`: the example's folder (with `src/server.ts`). Call inside a test file. */
export function describeExampleServer(exampleDir: string | URL, options: ExampleServerOptions) {
  const cwd = typeof exampleDir === 'string' ? exampleDir : fileURLToPath(exampleDir);
  const start = (env: NodeJS.ProcessEnv) =>
    spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  describe('src/server.ts', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      child?.kill();
      child = undefined;
    });

    it('starts on PORT with the secret from COMPOSIO_WEBHOOK_SECRET', async () => {
      const port = await freePort();
      const server = start({
        ...process.env,
        PORT: String(port),
        COMPOSIO_WEBHOOK_SECRET: options.secret,
      });
      child = server;
      let output = '';
      server.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      server.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await new Promise<void>((resolve, reject) => {
        const ready = () => {
          if (output.includes(READY)) resolve();
        };
        server.stdout?.on('data', ready);
        server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`http://localhost:${port}/webhooks/composio`);
      const event = buildTriggerMessage();
      const { body, headers } = await signWebhook({ payload: event, secret: options.secret });
      const response = await fetch(`http://127.0.0.1:${port}/webhooks/composio`, {
        method: 'POST',
        headers,
        body,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true, id: event.id });
      for (const line of options.output ?? []) expect(output).toContain(line);
    }, 20_000);

    it('exits with a clear message when COMPOSIO_WEBHOOK_SECRET is not set', async () => {
      const env = { ...process.env };
      delete env.COMPOSIO_WEBHOOK_SECRET;
      const server = start(env);
      child = server;
      let stderr = '';
      server.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => server.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain('COMPOSIO_WEBHOOK_SECRET');
    }, 20_000);
  });
}
