/**
 * `pnpm bench`: the composioWebhooks plugin against a hand-written Fastify route (raw buffer
 * parser + node:crypto + JSON.parse), on Fastify 5 and Fastify 4
 * (scripts/bench/adapter-bench.mjs says what is measured and how).
 */
import * as testing from '@composio-webhooks/core/testing';
import autocannon from 'autocannon';
import { benchAdapter } from '../../../scripts/bench/adapter-bench.mjs';

const failed = await benchAdapter({
  framework: 'Fastify',
  majors: ['5', '4'],
  baselineLabel: 'hand-written buffer parser + node:crypto',
  serverModule: new URL('./server.mjs', import.meta.url),
  testing,
  autocannon,
});
if (failed) process.exitCode = 1;
