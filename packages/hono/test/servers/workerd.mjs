// workerd: a module Worker bundled from the built package; Hono passes the Worker's ctx, so
// handlers that outlive handlerTimeoutMs are kept alive with ctx.waitUntil.
import * as testing from '@composio-webhooks/core/testing';
import { Hono } from 'hono';
import * as adapter from '../../dist/index.js';
import { conformanceApp } from './app.mjs';

export default conformanceApp(Hono, adapter, testing);
