/**
 * `pnpm bench`: the web handler against a hand-written Web handler served by the same server,
 * same run (scripts/bench/adapter-bench.mjs says what is measured and how): on Node behind
 * @hono/node-server (baseline: request.arrayBuffer() + node:crypto + JSON.parse), and on Bun
 * under Bun.serve (baseline: request.arrayBuffer() + WebCrypto + JSON.parse). Needs
 * `pnpm build` (the server loads dist/). BENCH_MAJORS=node or bun to run one.
 */
import * as testing from '@composio-webhooks/core/testing';
import { runtimeBinary } from '@composio-webhooks/test-runtimes';
import autocannon from 'autocannon';
import { benchAdapter } from '../../../scripts/bench/adapter-bench.mjs';

const failed = await benchAdapter({
  framework: 'web handler',
  majors: ['node', 'bun'],
  baselineLabel: 'hand-written arrayBuffer() + HMAC + JSON.parse',
  serverModule: new URL('./server.mjs', import.meta.url),
  execPath: (major) => (major === 'bun' ? runtimeBinary('bun') : process.execPath),
  testing,
  autocannon,
});
if (failed) process.exitCode = 1;
