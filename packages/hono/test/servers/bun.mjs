// Bun: the built package in a Hono app under Bun.serve.
import * as testing from '@composio-webhooks/core/testing';
import { Hono } from 'hono';
import * as adapter from '../../dist/index.js';
import { conformanceApp } from './app.mjs';

Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT),
  fetch: conformanceApp(Hono, adapter, testing).fetch,
});
