import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'readme-install',
    include: ['test/**/*.test.ts'],
    // One scratch install for every README, then a process per snippet.
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
