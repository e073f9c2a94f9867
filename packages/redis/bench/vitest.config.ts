import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../../vitest.shared.js';

/**
 * The fault benchmark (`pnpm bench`): run by vitest so it reuses the test helpers (redis-server,
 * instance processes), but outside the test suite — it takes about a minute and reports numbers.
 */
export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'redis-fault-bench',
    root: new URL('..', import.meta.url).pathname,
    include: ['bench/**/*.bench.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
