/**
 * `pnpm bench`: the soak of composioWebhook() with the default dedupe store over HTTP
 * (scripts/bench/soak-bench.mjs says what is measured and how).
 */
import { DEFAULT_MAX_ENTRIES } from '@composio-webhooks/core/adapter';
import * as testing from '@composio-webhooks/core/testing';
import autocannon from 'autocannon';
import { soakAdapter } from '../../../scripts/bench/soak-bench.mjs';

const failed = await soakAdapter({
  framework: 'Express',
  majors: ['5', '4'],
  serverModule: new URL('./server.mjs', import.meta.url),
  testing,
  autocannon,
  storeBound: DEFAULT_MAX_ENTRIES,
});
if (failed) process.exitCode = 1;
