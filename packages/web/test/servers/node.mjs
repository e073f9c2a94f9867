// Node (20, 22, 24): the built package behind @hono/node-server's node:http → Request bridge.
import * as testing from '@composio-webhooks/core/testing';
import { serve } from '@hono/node-server';
import * as web from '../../dist/index.js';
import { conformanceFetch } from './app.mjs';

const server = serve({
  fetch: conformanceFetch(web, testing),
  hostname: '127.0.0.1',
  port: Number(process.env.PORT),
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
