/**
 * The example as deployed, locally: the esbuild bundle (`pnpm build` → dist/handler.mjs) behind
 * serverless-offline's API Gateway, both routes of serverless.yml, the secret from the
 * function's environment.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildConnectionExpired,
  buildTriggerMessage,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { type ServerlessOffline, startServerlessOffline } from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('..', import.meta.url));
const secret = 'example-aws-lambda-secret';
let offline: ServerlessOffline;

beforeAll(async () => {
  if (!existsSync(`${dir}dist/handler.mjs`)) {
    throw new Error(
      'dist/handler.mjs is missing: run `pnpm --filter example-aws-lambda build` first.',
    );
  }
  offline = await startServerlessOffline({
    cwd: dir,
    resolveFrom: dir,
    env: { COMPOSIO_WEBHOOK_SECRET: secret },
  });
});
afterAll(() => offline?.stop());

async function deliver(path: string, payload: unknown, key = secret) {
  const signed = await signWebhook({ payload, secret: key });
  const response = await fetch(`${offline.url}${path}`, {
    method: 'POST',
    headers: { ...signed.headers },
    body: signed.body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe.each([
  ['REST API', '/dev/webhooks/composio'],
  ['HTTP API', '/webhooks/composio'],
])('%s route', (_name, path) => {
  it('runs the handler once and answers a copy as a duplicate', async () => {
    const event = buildTriggerMessage();
    expect(await deliver(path, event)).toEqual({ status: 200, body: { ok: true, id: event.id } });
    expect((await deliver(path, event)).body).toMatchObject({ duplicate: true });
    expect(offline.output()).toContain(
      `[webhook] githubCommit composio.trigger.message ${event.id}`,
    );
    const runs =
      offline.output().split(`githubCommit composio.trigger.message ${event.id}`).length - 1;
    expect(runs).toBe(1);
  });

  it('routes by event type', async () => {
    const expired = buildConnectionExpired();
    expect((await deliver(path, expired)).status).toBe(200);
    expect(offline.output()).toContain(`[webhook] connectionExpired`);
  });

  it('refuses a delivery signed with another secret (401)', async () => {
    const sent = await deliver(path, buildTriggerMessage(), 'not-the-secret');
    expect(sent.status).toBe(401);
    expect(JSON.stringify(sent.body)).not.toContain(secret);
  });
});
