import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'runtimes',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Each test starts a real runtime process (workerd and Deno take about a second).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
