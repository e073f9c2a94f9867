/**
 * The conformance suite over HTTP against the built package in a real server process on every
 * runtime: Node 20, 22 and 24 (@hono/node-server), Bun (`Bun.serve`), Deno (`Deno.serve`) and
 * workerd (a Worker bundled from `dist` with no Node compatibility: no `process`, no `node:*`,
 * HMAC on WebCrypto, the secret from the Worker's env). Needs `pnpm build` first.
 */
import { CONFORMANCE_OPTIONS } from '@composio-webhooks/core/testing';
import { describeConformanceOnRuntimes } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { requireWebBuilt, serverEntry } from './support.js';

beforeAll(requireWebBuilt);

describeConformanceOnRuntimes(
  {
    name: 'web handler',
    kind: 'route',
    entries: {
      node20: serverEntry('node.mjs'),
      node22: serverEntry('node.mjs'),
      node24: serverEntry('node.mjs'),
      bun: serverEntry('bun.mjs'),
      deno: serverEntry('deno.mjs'),
      workerd: serverEntry('workerd.mjs'),
    },
    env: { COMPOSIO_WEBHOOK_SECRET: CONFORMANCE_OPTIONS.secret },
  },
  { describe, it, beforeAll, afterAll },
);
