/**
 * The BUILT @composio-webhooks/core (dist, ESM) loads and verifies on every runtime: one real
 * server process each, a delivery signed here with signWebhook, sent over HTTP.
 */
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import {
  RUNTIMES,
  type RunningServer,
  type RuntimeName,
  startServer,
} from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTS, VERIFY_ENTRY } from './helpers.js';

const secret = 'whsec-runtimes-test-secret';
const servers = new Map<RuntimeName, RunningServer>();

beforeAll(async () => {
  const started = await Promise.allSettled(
    RUNTIMES.map(async (runtime) => {
      const server = await startServer({
        runtime,
        entry: VERIFY_ENTRY[runtime],
        env: { COMPOSIO_WEBHOOK_SECRET: secret },
      });
      servers.set(runtime, server);
    }),
  );
  const failed = started.filter((result) => result.status === 'rejected');
  if (failed.length > 0) throw new AggregateError(failed.map((result) => result.reason));
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()));
});

function server(runtime: RuntimeName): RunningServer {
  const found = servers.get(runtime);
  if (!found) throw new Error(`${runtime} did not start`);
  return found;
}

async function post(
  runtime: RuntimeName,
  body: string | Uint8Array,
  headers: Record<string, string>,
) {
  const response = await fetch(`${server(runtime).url}/webhooks/composio`, {
    method: 'POST',
    body,
    headers,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe.each(RUNTIMES)('%s', (runtime) => {
  it('is the runtime that serves, with the expected crypto backend', async () => {
    const response = await fetch(server(runtime).url);
    const info = (await response.json()) as { runtime: string; crypto: string };
    expect(info.runtime).toMatch(REPORTS[runtime]);
    // workerd without nodejs_compat has no `process`: core falls back to WebCrypto there.
    expect(info.crypto).toBe(runtime === 'workerd' ? 'webcrypto' : 'node:crypto');
  });

  it('answers 200 for a delivery signed with the secret', async () => {
    const payload = buildTriggerMessage({
      slug: 'RUNTIMES_TEST',
      data: { note: 'café ☕ — exact bytes' },
    });
    const signed = await signWebhook({ payload, secret });
    const { status, json } = await post(runtime, signed.body, signed.headers);
    expect({ status, json }).toEqual({
      status: 200,
      json: { id: signed.headers['webhook-id'], type: payload.type },
    });
  });

  it('answers 401 INVALID_SIGNATURE for a forgery', async () => {
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret: 'not-the-secret' });
    expect(await post(runtime, signed.body, signed.headers)).toEqual({
      status: 401,
      json: { code: 'INVALID_SIGNATURE' },
    });
  });

  it('answers 401 when one byte of a signed body changes', async () => {
    const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
    const bytes = new TextEncoder().encode(signed.body);
    const last = bytes.length - 2;
    bytes[last] = (bytes[last] ?? 0) ^ 0x01;
    expect(await post(runtime, bytes, signed.headers)).toEqual({
      status: 401,
      json: { code: 'INVALID_SIGNATURE' },
    });
  });
});
