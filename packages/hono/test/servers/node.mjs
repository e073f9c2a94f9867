// Node (20, 22, 24): the built package in a Hono app served by @hono/node-server.
import * as testing from '@composio-webhooks/core/testing';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import * as adapter from '../../dist/index.js';
import { conformanceApp } from './app.mjs';

const server = serve({
  fetch: conformanceApp(Hono, adapter, testing).fetch,
  hostname: '127.0.0.1',
  port: Number(process.env.PORT),
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
