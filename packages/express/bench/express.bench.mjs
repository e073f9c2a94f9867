/**
 * `pnpm bench`: composioWebhook() against a hand-written express.raw() + node:crypto route, on
 * Express 5 and Express 4 (scripts/bench/adapter-bench.mjs says what is measured and how).
 */
import * as testing from '@composio-webhooks/core/testing';
import autocannon from 'autocannon';
import { benchAdapter } from '../../../scripts/bench/adapter-bench.mjs';

const failed = await benchAdapter({
  framework: 'Express',
  majors: ['5', '4'],
  baselineLabel: 'hand-written express.raw() + node:crypto',
  serverModule: new URL('./server.mjs', import.meta.url),
  testing,
  autocannon,
});
if (failed) process.exitCode = 1;
