import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Tests import workspace packages from their TypeScript sources, so a change in core is seen by
 * adapter tests without a rebuild. The built `dist` is exercised by the packaging tests.
 */
export const workspaceAliases = [
  {
    find: /^@composio-webhooks\/core\/testing\/conformance$/,
    replacement: `${root}packages/core/src/conformance.ts`,
  },
  {
    find: /^@composio-webhooks\/core\/testing$/,
    replacement: `${root}packages/core/src/testing.ts`,
  },
  { find: /^@composio-webhooks\/core\/node$/, replacement: `${root}packages/core/src/node.ts` },
  { find: /^@composio-webhooks\/core\/kit$/, replacement: `${root}packages/core/src/kit.ts` },
  {
    find: /^@composio-webhooks\/core\/adapter$/,
    replacement: `${root}packages/core/src/adapter.ts`,
  },
  { find: /^@composio-webhooks\/core$/, replacement: `${root}packages/core/src/index.ts` },
  { find: /^@composio-webhooks\/express$/, replacement: `${root}packages/express/src/index.ts` },
  { find: /^@composio-webhooks\/fastify$/, replacement: `${root}packages/fastify/src/index.ts` },
  { find: /^@composio-webhooks\/koa$/, replacement: `${root}packages/koa/src/index.ts` },
  { find: /^@composio-webhooks\/nest$/, replacement: `${root}packages/nest/src/index.ts` },
  { find: /^@composio-webhooks\/web$/, replacement: `${root}packages/web/src/index.ts` },
  { find: /^@composio-webhooks\/next$/, replacement: `${root}packages/next/src/index.ts` },
  { find: /^@composio-webhooks\/hono$/, replacement: `${root}packages/hono/src/index.ts` },
  { find: /^@composio-webhooks\/otel$/, replacement: `${root}packages/otel/src/index.ts` },
  {
    find: /^@composio-webhooks\/test-runtimes$/,
    replacement: `${root}tools/runtimes/src/index.ts`,
  },
  { find: /^@composio-webhooks\/test-redis$/, replacement: `${root}tools/redis/src/index.ts` },
  {
    find: /^@composio-webhooks\/aws-lambda$/,
    replacement: `${root}packages/aws-lambda/src/index.ts`,
  },
  { find: /^@composio-webhooks\/redis$/, replacement: `${root}packages/redis/src/index.ts` },
  { find: /^@composio-webhooks\/bullmq$/, replacement: `${root}packages/bullmq/src/index.ts` },
  { find: /^@composio-webhooks\/pg-boss$/, replacement: `${root}packages/pg-boss/src/index.ts` },
];
