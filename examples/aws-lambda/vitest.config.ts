import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: {
    name: 'example-aws-lambda',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Bundling with esbuild, then serverless-offline's start (~20 s on a quiet machine).
    hookTimeout: 120_000,
  },
});
