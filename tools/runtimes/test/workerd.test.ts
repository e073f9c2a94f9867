/** workerd specifics: text bindings, fetch() back to loopback, and bundling errors. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capnpString, startServer } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverFile, withServer } from './helpers.js';

let upstream: Server;
let upstreamUrl: string;
let upstreamHits = 0;

beforeAll(async () => {
  upstream = createServer((_req, res) => {
    upstreamHits++;
    res.end('hello from 127.0.0.1');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

describe('workerd', () => {
  it('gives env as text bindings, any characters included', async () => {
    const env = {
      PLAIN: 'value',
      TRICKY: 'quote " backslash \\ newline \n tab \t é ☕ \u0000 end',
    };
    await withServer(
      { runtime: 'workerd', entry: serverFile('workerd.mjs'), env },
      async (server) => {
        expect(await (await fetch(`${server.url}/env`)).json()).toEqual(env);
      },
    );
  });

  it('lets the Worker fetch() a loopback server by default', async () => {
    await withServer({ runtime: 'workerd', entry: serverFile('workerd.mjs') }, async (server) => {
      const response = await fetch(`${server.url}/fetch?url=${encodeURIComponent(upstreamUrl)}`);
      expect(await response.json()).toEqual({ status: 200, body: 'hello from 127.0.0.1' });
    });
  });

  it('blocks loopback when allowNetwork leaves out local addresses', async () => {
    await withServer(
      {
        runtime: 'workerd',
        entry: serverFile('workerd.mjs'),
        allowNetwork: ['public'],
      },
      async (server) => {
        const before = upstreamHits;
        const response = await fetch(`${server.url}/fetch?url=${encodeURIComponent(upstreamUrl)}`);
        expect(response.status).toBe(500);
        expect(upstreamHits).toBe(before);
      },
    );
  });

  it('rejects an entry that imports a Node built-in, naming it', async () => {
    await expect(
      startServer({ runtime: 'workerd', entry: serverFile('imports-node-crypto.mjs') }),
    ).rejects.toThrow(/workerd: bundling .*imports-node-crypto\.mjs failed: [\s\S]*"node:crypto"/);
  });

  it.each(['imports-node-crypto.mjs', 'imports-bare-crypto.mjs'])(
    'leaves Node imports to workerd when nodejs_compat is on (%s)',
    async (entry) => {
      await withServer(
        {
          runtime: 'workerd',
          entry: serverFile(entry),
          compatibilityFlags: ['nodejs_compat'],
        },
        async (server) => {
          expect(await (await fetch(server.url)).text()).toBe(
            'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
          );
        },
      );
    },
  );

  it('escapes Cap’n Proto text byte by byte', () => {
    expect(capnpString('a"b\\c\nd é')).toBe('"a\\"b\\\\c\\x0ad \\xc3\\xa9"');
  });
});
