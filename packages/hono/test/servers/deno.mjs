// Deno: the built package in a Hono app under Deno.serve.
import * as testing from '@composio-webhooks/core/testing';
import { Hono } from 'hono';
import * as adapter from '../../dist/index.js';
import { conformanceApp } from './app.mjs';

Deno.serve(
  { hostname: '127.0.0.1', port: Number(Deno.env.get('PORT')), onListen() {} },
  conformanceApp(Hono, adapter, testing).fetch,
);
