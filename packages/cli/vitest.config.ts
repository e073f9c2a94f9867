import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    typecheck: {
      enabled: true,
      include: ['test-types/**/*.test-d.ts'],
      tsconfig: './test-types/tsconfig.json',
    },
    // The tests run the built binary as a child process, several at a time.
    testTimeout: 20_000,
  },
});
