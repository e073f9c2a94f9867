import { defineProject } from 'vitest/config';

// Checks that span the repository (every README's snippets), against the built packages.
export default defineProject({
  test: { name: 'repository', include: ['*.test.ts'], testTimeout: 180_000 },
});
