/**
 * The conformance suite over HTTP against the built package in a real server process on every
 * runtime: Node 20, 22 and 24 (@hono/node-server), Bun (`Bun.serve`), Deno (`Deno.serve`) and
 * workerd (a Worker bundled from `dist` with no Node compatibility: no `process`, no `node:*`,
 * HMAC on WebCrypto). Needs `pnpm build` first.
 */
import { CONFORMANCE_OPTIONS } from '@composio-webhooks/core/testing';
import { describeConformance } from '@composio-webhooks/core/testing/conformance';
import { type RuntimeName, startServer } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, serverEntry } from './support.js';

const RUNTIMES: Array<[RuntimeName, string]> = [
  ['node20', 'node.mjs'],
  ['node22', 'node.mjs'],
  ['node24', 'node.mjs'],
  ['bun', 'bun.mjs'],
  ['deno', 'deno.mjs'],
  ['workerd', 'workerd.mjs'],
];

beforeAll(requireBuilt);

for (const [runtime, entry] of RUNTIMES) {
  describeConformance(
    {
      name: `web handler on ${runtime}`,
      kind: 'route',
      start: () =>
        startServer({
          runtime,
          entry: serverEntry(entry),
          env: { COMPOSIO_WEBHOOK_SECRET: CONFORMANCE_OPTIONS.secret },
        }),
    },
    { describe, it, beforeAll, afterAll },
  );
}

describe('the server entries are what they claim', () => {
  it.each(RUNTIMES)('%s serves from its own runtime', async (runtime, entry) => {
    const server = await startServer({
      runtime,
      entry: serverEntry(entry),
      env: { COMPOSIO_WEBHOOK_SECRET: CONFORMANCE_OPTIONS.secret },
    });
    try {
      const answer = (await (await fetch(`${server.url}/`)).json()) as { runtime: string };
      expect(answer.runtime.split(' ')[0]).toBe(runtime.replace(/\d+$/, ''));
      if (runtime.startsWith('node')) expect(answer.runtime).toMatch(`node ${runtime.slice(4)}.`);
    } finally {
      await server.close();
    }
  });
});
