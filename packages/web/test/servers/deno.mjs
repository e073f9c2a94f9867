// Deno: the built package under Deno.serve.
import * as testing from '@composio-webhooks/core/testing';
import * as web from '../../dist/index.js';
import { conformanceFetch } from './app.mjs';

Deno.serve(
  { hostname: '127.0.0.1', port: Number(Deno.env.get('PORT')), onListen() {} },
  conformanceFetch(web, testing),
);
