/**
 * `listen` (the real binary): each request printed, verified or with the exact rejection code and
 * reason; answered with the adapters' status codes.
 */
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningCli, listenRecords as records, runCli, startListenCli } from './helpers.js';

const SECRET = 'listen-test-secret';
const OLD_SECRET = 'listen-test-old-secret';
const running: RunningCli[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

const startListen = async (args: string[], env: Record<string, string> = {}) => {
  const started = await startListenCli(args, env);
  running.push(started.cli);
  return started;
};

describe('listen --json', () => {
  it('prints a verified delivery and the exact reason of each rejection', async () => {
    const { cli, origin } = await startListen(['--secret', SECRET, '--json']);
    expect(JSON.parse(cli.lines[0] ?? '{}')).toEqual({
      listening: origin,
      secrets: 1,
      secretFormat: 'raw',
      tolerance: 300,
    });
    const url = `${origin}/webhooks/composio`;

    const good = await runCli([
      'send-test',
      '--url',
      url,
      '--secret',
      SECRET,
      '--slug',
      'GMAIL_NEW_GMAIL_MESSAGE',
    ]);
    expect(good.code).toBe(0);
    const bad = await runCli(['send-test', '--url', url, '--secret', 'wrong-secret']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('wrong secret or clock skew?');
    // The sender gets the adapters' public answer; the detailed reason is listen's own output.
    expect(bad.stdout).toContain('receiver said: Webhook signature verification failed.');
    expect(bad.stdout).not.toContain('No signature matched');
    const stale = await runCli([
      'send-test',
      '--url',
      url,
      '--secret',
      SECRET,
      '--timestamp',
      '1000000000',
    ]);
    expect(stale.code).toBe(1);
    const unsigned = await fetch(url, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    const get = await fetch(url);
    expect(get.status).toBe(405);

    await cli.waitForLine((line) => line.includes('METHOD_NOT_ALLOWED'));
    const [ok, wrong, old, missing, method] = records(cli);
    expect(ok).toMatchObject({
      method: 'POST',
      path: '/webhooks/composio',
      status: 200,
      verified: true,
      version: 'V3',
      attempt: 1,
      type: 'composio.trigger.message',
      triggerSlug: 'GMAIL_NEW_GMAIL_MESSAGE',
      duplicateOfMsAgo: null,
      event: {
        type: 'composio.trigger.message',
        metadata: { trigger_slug: 'GMAIL_NEW_GMAIL_MESSAGE' },
      },
    });
    expect(wrong).toMatchObject({ status: 401, verified: false, code: 'INVALID_SIGNATURE' });
    expect(String(wrong?.reason)).toMatch(/No signature matched/);
    expect(wrong?.id).toMatch(/^msg_/);
    expect(old).toMatchObject({ status: 401, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(String(old?.reason)).toMatch(/outside the 300 s tolerance/);
    expect(missing).toMatchObject({ status: 401, code: 'MISSING_HEADERS', id: null });
    expect(method).toMatchObject({ status: 405, method: 'GET', code: 'METHOD_NOT_ALLOWED' });
  });

  it('accepts both secrets of a rotation window and flags a repeated webhook-id', async () => {
    const { cli, origin } = await startListen([
      '--secret',
      SECRET,
      '--secret',
      OLD_SECRET,
      '--json',
      '--quiet',
    ]);
    const url = `${origin}/`;
    const id = `msg_${crypto.randomUUID()}`;
    expect(
      (await runCli(['send-test', '--url', url, '--secret', OLD_SECRET, '--id', id])).code,
    ).toBe(0);
    expect((await runCli(['send-test', '--url', url, '--secret', SECRET, '--id', id])).code).toBe(
      0,
    );
    await cli.waitForLine(
      (line) => line.includes('duplicateOfMsAgo":') && !line.includes('duplicateOfMsAgo":null'),
    );
    const [first, second] = records(cli);
    expect(first).toMatchObject({ verified: true, id, duplicateOfMsAgo: null });
    expect(second).toMatchObject({ verified: true, id, duplicateOfMsAgo: expect.any(Number) });
    expect(second).not.toHaveProperty('event'); // --quiet
  });

  it('a body over --max-body: 413 PAYLOAD_TOO_LARGE', async () => {
    const { cli, origin } = await startListen(['--secret', SECRET, '--json', '--max-body', '2048']);
    const signed = await signWebhook({
      payload: buildTriggerMessage({ data: { blob: 'x'.repeat(4096) } }),
      secret: SECRET,
    });
    const response = await fetch(origin, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    await cli.waitForLine((line) => line.includes('PAYLOAD_TOO_LARGE'));
  });

  it('standard-format secrets (whsec_ + base64)', async () => {
    const standard = `whsec_${Buffer.from('a 24-byte standard key!!').toString('base64')}`;
    const { origin } = await startListen([
      '--secret',
      standard,
      '--secret-format',
      'standard',
      '--json',
    ]);
    const result = await runCli([
      'send-test',
      '--url',
      origin,
      '--secret',
      standard,
      '--secret-format',
      'standard',
    ]);
    expect(result.code).toBe(0);
    const raw = await runCli(['send-test', '--url', origin, '--secret', standard]);
    expect(raw.code).toBe(1);
  });
});

describe('listen, human output', () => {
  it('one line per request, the event below it; stops cleanly on SIGTERM', async () => {
    const { cli, origin } = await startListen([], { COMPOSIO_WEBHOOK_SECRET: SECRET });
    expect(cli.lines[0]).toContain('Listening on');
    expect(cli.lines[0]).toContain('1 secret, raw format, tolerance 300 s');
    await runCli(
      ['send-test', '--url', `${origin}/webhooks/composio`, '--event', 'trigger-disabled'],
      {
        COMPOSIO_WEBHOOK_SECRET: SECRET,
      },
    );
    await runCli(['send-test', '--url', `${origin}/webhooks/composio`, '--secret', 'nope']);
    const rejected = await cli.waitForLine((line) => line.includes('INVALID_SIGNATURE'));
    expect(rejected).toMatch(/✖ 401 POST \/webhooks\/composio {2}msg_\S+ {2}INVALID_SIGNATURE$/);
    const accepted = cli.lines.find((line) => line.includes('✔ 200'));
    expect(accepted).toMatch(/composio\.trigger\.disabled {2}\(V3, attempt 1\)/);
    expect(cli.lines.some((line) => line.includes('"disabled_reason"'))).toBe(true);
    expect(cli.lines.join('\n')).not.toContain('\u001b[');
    expect(await cli.stop()).toBe(0);
    expect(cli.lines.at(-1)).toBe('Stopped.');
  });

  it('no secret: exit 2 naming COMPOSIO_WEBHOOK_SECRET', async () => {
    const result = await runCli(['listen', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('COMPOSIO_WEBHOOK_SECRET');
  });

  it('a port in use: exit 2', async () => {
    const { origin } = await startListen(['--secret', SECRET]);
    const port = origin.split(':').at(-1) ?? '';
    const result = await runCli(['listen', '--port', port, '--secret', SECRET]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Port ${port} is already in use`);
  });
});
