/**
 * `path`: Next.js mounts a handler at its file's route, so the handlers take none; a JS caller
 * passing one gets `INVALID_CONFIG` when the route module loads (never a request to another path
 * processed as if it were the webhook's).
 */
import { configErrorOf } from '@composio-webhooks/core/testing';
import { describe, expect, it } from 'vitest';
import {
  composioApiRoute,
  composioWebhook,
  createWebhookRouter,
  withComposioWebhook,
} from '../src/index.js';

const router = createWebhookRouter();
const path = '/api/webhooks/composio';

describe('path', () => {
  it.each([
    ['App Router composioWebhook()', () => composioWebhook({ router, secret: 's', path } as never)],
    [
      'App Router withComposioWebhook()',
      () => withComposioWebhook(() => new Response(), { secret: 's', path } as never),
    ],
    [
      'Pages Router composioApiRoute()',
      () => composioApiRoute({ router, secret: 's', path } as never),
    ],
  ])('%s: INVALID_CONFIG when the module loads', (_name, build) => {
    const error = configErrorOf(build);
    expect(error.message).toMatch(
      /^\[@composio-webhooks\/(web|next)\] `path` is not an option here/,
    );
    expect(error.message).toContain(JSON.stringify(path));
  });
});
