/**
 * A signed request never follows a redirect (the real binary): send-test, doctor, replay and
 * listen --forward-to each meet an endpoint that answers 307 to a second server, report the
 * redirect (status and Location) and stop — the second server receives nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listenRecords, runCli, startListenCli } from './helpers.js';
import { serve } from './servers.js';

const SECRET = 'redirect-test-real-secret';
let elsewhere: Awaited<ReturnType<typeof serve>>;
let redirecting: Awaited<ReturnType<typeof serve>>;
/** Requests that reached the server the redirect points at. */
let reached: string[] = [];
/** Requests the redirecting server answered. */
let redirected = 0;
let dir: string;

beforeAll(async () => {
  elsewhere = await serve((req, res) => {
    reached.push(`${req.method} ${req.url} ${String(req.headers['webhook-signature'])}`);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  redirecting = await serve((req, res) => {
    redirected++;
    req.resume();
    res.writeHead(307, { location: `${elsewhere.origin}/collect` }).end();
  });
  dir = mkdtempSync(join(tmpdir(), 'redirect-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([elsewhere.close(), redirecting.close()]);
});
beforeEach(() => {
  reached = [];
  redirected = 0;
});

const url = () => `${redirecting.origin}/webhooks/composio`;
const reported = () =>
  `${url()} answered 307 Temporary Redirect, a redirect to ${elsewhere.origin}/collect. Not followed: the signed request would reach another server. Stopped; if ${elsewhere.origin}/collect is your endpoint, use it as the URL.`;

describe('no signed request follows a redirect', () => {
  it('send-test: exit 1, the redirect reported', async () => {
    const result = await runCli(['send-test', '--url', url(), '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${reported()}`);
    expect(redirected).toBe(1);
    expect(reached).toEqual([]);
  });

  it('doctor: stops at the first redirect; its probes (signed with the real secret) go nowhere else', async () => {
    const result = await runCli(['doctor', '--url', url(), '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${reported()}`);
    expect(redirected).toBe(1);
    expect(reached).toEqual([]);
  });

  it('replay: stops at the first redirect, the rest is not sent', async () => {
    const file = join(dir, 'two.jsonl');
    const lines = [buildTriggerMessage(), buildTriggerMessage()].map((event) =>
      JSON.stringify({
        recordedAt: new Date().toISOString(),
        path: '/webhooks/composio',
        id: event.id,
        type: event.type,
        triggerSlug: event.metadata.trigger_slug,
        version: 'V3',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        bodyEncoding: 'utf8',
      }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await runCli(['replay', file, '--url', url(), '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${reported()}`);
    expect(redirected).toBe(1);
    expect(reached).toEqual([]);
  });

  it('listen --forward-to: the sender gets 502 FORWARD_FAILED saying why; nothing reaches the redirect target', async () => {
    const { cli, origin } = await startListenCli([
      '--secret',
      SECRET,
      '--forward-to',
      url(),
      '--json',
    ]);
    try {
      const signed = await signWebhook({ payload: buildTriggerMessage(), secret: SECRET });
      const response = await fetch(origin, {
        method: 'POST',
        headers: signed.headers,
        body: signed.body,
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({
        ok: false,
        error: { code: 'FORWARD_FAILED', message: reported() },
      });
      await cli.waitForLine((line) => line.includes('"forward"'));
      expect(listenRecords(cli).at(-1)).toMatchObject({
        status: 502,
        verified: true,
        forward: { status: null, code: 'REDIRECT', error: reported() },
      });
      expect(redirected).toBe(1);
      expect(reached).toEqual([]);
    } finally {
      await cli.stop();
    }
  });
});
