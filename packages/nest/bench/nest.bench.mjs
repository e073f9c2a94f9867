/**
 * `pnpm bench`: the module's built-in route against a hand-written Nest controller (Nest's
 * `rawBody: true` + node:crypto + JSON.parse), on Nest 12 and 11, Express and Fastify platforms
 * (scripts/bench/adapter-bench.mjs says what is measured and how). In the output,
 * "composioWebhook(...)" is the module's route. `NEST_BENCH_PACKAGE=<dir>` benches the build of
 * another checkout's packages/nest (its core beside it) against the same baseline.
 */
import * as testing from '@composio-webhooks/core/testing';
import autocannon from 'autocannon';
import { benchAdapter } from '../../../scripts/bench/adapter-bench.mjs';
import { cleanUp, prepare } from './prepare.mjs';

const majors = ['12', '11'];
prepare(majors);
try {
  const failed = await benchAdapter({
    framework: 'Nest',
    majors: majors.flatMap((major) => [`${major}-express`, `${major}-fastify`]),
    baselineLabel: 'hand-written Nest controller (rawBody)',
    serverModule: new URL('./server.mjs', import.meta.url),
    testing,
    autocannon,
  });
  if (failed) process.exitCode = 1;
} finally {
  cleanUp(majors);
}
