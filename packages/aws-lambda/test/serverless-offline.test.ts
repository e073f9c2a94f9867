/**
 * The conformance suite through serverless-offline: real HTTP into its emulation of API Gateway
 * (a REST API with payload format 1.0 and an HTTP API with 2.0), which builds the Lambda events
 * and invokes the built handler (test/offline/handler.mjs). Needs `dist/` (built first).
 */
import { describeConformance } from '@composio-webhooks/core/testing/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { requireLambdaBuilt, startOffline } from './support/offline.js';

beforeAll(requireLambdaBuilt);

let offline: ReturnType<typeof startOffline> | undefined;
const shared = () => (offline ??= startOffline());

for (const [name, prefix] of [
  ['REST API (payload 1.0)', '/dev'],
  ['HTTP API (payload 2.0)', '/v2'],
] as const) {
  describeConformance(
    {
      name: `aws-lambda under serverless-offline: ${name}`,
      kind: 'route',
      bufferedBody: true,
      // serverless-offline decodes JSON bodies as text whatever binaryMediaTypes says (AWS's API
      // Gateway base64-encodes them with binaryMediaTypes: ['*/*']); events.test.ts covers the
      // base64 path.
      textBody: true,
      start: async () => ({ url: `${(await shared()).url}${prefix}`, close: async () => {} }),
    },
    { describe, it, beforeAll, afterAll },
  );
}

afterAll(async () => (await offline)?.stop());
