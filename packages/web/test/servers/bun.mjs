// Bun: the built package under Bun.serve.
import * as testing from '@composio-webhooks/core/testing';
import * as web from '../../dist/index.js';
import { conformanceFetch } from './app.mjs';

Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT),
  fetch: conformanceFetch(web, testing),
});
