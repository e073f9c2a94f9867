/**
 * The one conformance suite of core's testing kit, over real HTTP: the Hono app from source on
 * this Node (@hono/node-server), then built in real Node 20/22/24, Bun, Deno and workerd
 * processes. The runtime processes need `pnpm build` first.
 */
import * as testing from '@composio-webhooks/core/testing';
import { describeConformance, serveNode } from '@composio-webhooks/core/testing/conformance';
import { describeConformanceOnRuntimes } from '@composio-webhooks/test-runtimes';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as adapter from '../src/index.js';
import { conformanceApp } from './servers/app.mjs';
import { requireHonoBuilt, serverEntry } from './support.js';

const runner = { describe, it, beforeAll, afterAll };

describeConformance(
  {
    name: `Hono on Node ${process.versions.node} (in process)`,
    kind: 'middleware',
    start: async () => serveNode(getRequestListener(conformanceApp(Hono, adapter, testing).fetch)),
  },
  runner,
);

describe('built', () => {
  beforeAll(requireHonoBuilt);
  describeConformanceOnRuntimes(
    {
      name: 'Hono',
      kind: 'middleware',
      entries: {
        node20: serverEntry('node.mjs'),
        node22: serverEntry('node.mjs'),
        node24: serverEntry('node.mjs'),
        bun: serverEntry('bun.mjs'),
        deno: serverEntry('deno.mjs'),
        workerd: serverEntry('workerd.mjs'),
      },
    },
    runner,
  );
});
