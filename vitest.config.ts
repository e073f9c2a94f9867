import { defineConfig } from 'vitest/config';

// One project per package/example: each folder owns its vitest.config.ts.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
      // Repository-wide checks (every README snippet compiles).
      'test/vitest.config.ts',
      'tools/*/vitest.config.ts',
      // @composio-webhooks/nest's end-to-end suite, once per Nest major.
      'packages/nest/test-nest*/vitest.config.ts',
    ],
  },
});
