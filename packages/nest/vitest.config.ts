import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

// Unit, type and packaging tests. The end-to-end suite (test/e2e) runs once per Nest major, in
// the projects of test-nest11/ and test-nest12/.
export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'nest',
    // The packaging tests start Node and tsc.
    testTimeout: 60_000,
    include: ['src/**/*.test.ts', 'test/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
