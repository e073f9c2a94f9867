import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-nest',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Type tests of the generated src/composio-triggers.d.ts (written by `pnpm build`).
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
