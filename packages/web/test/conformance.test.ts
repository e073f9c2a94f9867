/**
 * The one conformance suite of core's testing kit, over real HTTP, against the web handler from
 * source, served on this Node by @hono/node-server's node:http → Request bridge. The same app
 * runs built on Node 20, 22 and 24, Bun, Deno and workerd processes in runtimes.test.ts.
 */
import * as testing from '@composio-webhooks/core/testing';
import { describeConformance, serveNode } from '@composio-webhooks/core/testing/conformance';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as web from '../src/index.js';
import { conformanceFetch } from './servers/app.mjs';

describeConformance(
  {
    name: `web handler on Node ${process.versions.node} (in process)`,
    kind: 'route',
    start: async () => serveNode(getRequestListener(conformanceFetch(web, testing))),
  },
  { describe, it, beforeAll, afterAll },
);
