/**
 * `pnpm bench`: composioWebhook() against a hand-written ctx.req read + node:crypto route, on
 * Koa 3 and Koa 2 (scripts/bench/adapter-bench.mjs says what is measured and how).
 */
import * as testing from '@composio-webhooks/core/testing';
import autocannon from 'autocannon';
import { benchAdapter } from '../../../scripts/bench/adapter-bench.mjs';

const failed = await benchAdapter({
  framework: 'Koa',
  majors: ['3', '2'],
  baselineLabel: 'hand-written ctx.req read + node:crypto',
  serverModule: new URL('./server.mjs', import.meta.url),
  testing,
  autocannon,
});
if (failed) process.exitCode = 1;
