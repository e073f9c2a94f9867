/**
 * `listen` in the development loop (the real binary): the adapters' duplicate answer, a "Try:"
 * hint that works as printed, `--forward-to` (re-signed for the target, both answers on one
 * line) and `--record` (what `replay` reads).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebhookReceiver, createWebhookRouter } from '@composio-webhooks/core';
import {
  buildTriggerMessage,
  buildV1TriggerPayload,
  signWebhook,
} from '@composio-webhooks/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, listenRecords, type RunningCli, runCli, startListenCli } from './helpers.js';
import { type ReceiverServer, startReceiverServer } from './servers.js';

const SECRET = 'listen-loop-secret';
const TARGET_SECRET = 'the-local-apps-own-secret';
const running: RunningCli[] = [];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'listen-loop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

async function startListen(args: string[], env: Record<string, string> = {}) {
  const started = await startListenCli(args, env);
  running.push(started.cli);
  return started;
}

async function post(url: string, payload: unknown, options: { secret?: string; id?: string } = {}) {
  const signed = await signWebhook({ payload, secret: options.secret ?? SECRET, id: options.id });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  return { status: response.status, body: (await response.json()) as unknown, signed };
}

describe('listen answers like the adapters', () => {
  it('a repeated webhook-id gets the body core’s receiver gives: { ok: true, id, duplicate: true }', async () => {
    const { origin } = await startListen(['--secret', SECRET, '--json']);
    const event = buildTriggerMessage();
    const first = await post(origin, event);
    const again = await post(origin, event);
    expect(first).toMatchObject({ status: 200, body: { ok: true, id: event.id } });
    expect(again).toMatchObject({ status: 200, body: { ok: true, id: event.id, duplicate: true } });

    // The same two requests through the receiver every adapter runs.
    const receiver = createWebhookReceiver({
      secret: SECRET,
      router: createWebhookRouter(),
      logger: false,
    });
    await receiver.receive({ body: first.signed.body, headers: first.signed.headers });
    const adapter = await receiver.receive({
      body: again.signed.body,
      headers: again.signed.headers,
    });
    expect(again.body).toEqual(adapter.body);
  });

  it('the duplicate is flagged on the human line', async () => {
    const { cli, origin } = await startListen(['--secret', SECRET, '--quiet']);
    const event = buildTriggerMessage();
    await post(origin, event);
    await post(origin, event);
    const line = await cli.waitForLine((l) => l.includes('duplicate webhook-id'));
    expect(line).toMatch(
      /✔ 200 POST \/ {2}msg_\S+ {2}composio\.trigger\.message GITHUB_COMMIT_EVENT/,
    );
  });
});

describe('the "Try:" hint', () => {
  it('names --secret "$COMPOSIO_WEBHOOK_SECRET" when the secret came from the environment', async () => {
    const { cli, origin } = await startListen([], { COMPOSIO_WEBHOOK_SECRET: SECRET });
    expect(await cli.waitForLine((line) => line.startsWith('Try:'))).toBe(
      `Try: composio-webhooks send-test --url ${origin}/webhooks/composio --secret "$COMPOSIO_WEBHOOK_SECRET"`,
    );
  });

  it('never repeats a --secret it was given: a placeholder stands in for it', async () => {
    const secret = "it's a secret";
    const { cli, origin } = await startListen(['--secret', secret]);
    const hint = await cli.waitForLine((line) => line.startsWith('Try:'));
    expect(hint).toBe(
      `Try: composio-webhooks send-test --url ${origin}/webhooks/composio --secret <the --secret given to listen>`,
    );
    const result = await runCli([
      'send-test',
      '--url',
      `${origin}/webhooks/composio`,
      '--secret',
      secret,
    ]);
    expect(result.code).toBe(0);
  });
});

describe('listen --forward-to', () => {
  let target: ReceiverServer;
  beforeAll(async () => {
    target = await startReceiverServer({ secret: TARGET_SECRET });
  });
  afterAll(() => target.close());
  const forwarding = () => [
    '--secret',
    SECRET,
    '--forward-to',
    target.url,
    '--forward-secret',
    TARGET_SECRET,
  ];

  it('verifies with --secret, re-signs with --forward-secret: the target’s handler ran, same webhook-id', async () => {
    const { cli, origin } = await startListen([...forwarding(), '--json']);
    expect(JSON.parse(cli.lines[0] ?? '{}')).toMatchObject({ forwardTo: target.url });
    const result = await runCli([
      'send-test',
      '--url',
      `${origin}/webhooks/composio`,
      '--secret',
      SECRET,
      '--slug',
      'SLACK_RECEIVE_MESSAGE',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const { webhookId } = JSON.parse(result.stdout) as { webhookId: string };
    expect(target.handled.filter((h) => h.id === webhookId)).toEqual([
      expect.objectContaining({ slug: 'SLACK_RECEIVE_MESSAGE', attempt: 1 }),
    ]);
    await cli.waitForLine((line) => line.includes('"forward"'));
    expect(listenRecords(cli).at(-1)).toMatchObject({
      status: 200,
      verified: true,
      id: webhookId,
      forward: { url: target.url, status: 200, code: null, duplicate: false, error: null },
    });
  });

  it('prints both answers on one line; the sender gets the target’s answer (duplicates too)', async () => {
    const { cli, origin } = await startListen([...forwarding(), '--quiet']);
    await cli.waitForLine(
      (line) => line === `Forwarding verified deliveries to ${target.url}, signed again.`,
    );
    const event = buildV1TriggerPayload();
    const id = `msg_${crypto.randomUUID()}`;
    const first = await post(`${origin}/anything`, event, { id });
    const retry = await post(`${origin}/anything`, event, { id });
    expect(first).toMatchObject({ status: 200, body: { ok: true, id } });
    // listen forwards every copy: the target's own dedupe answers the retry.
    expect(retry).toMatchObject({ status: 200, body: { ok: true, id, duplicate: true } });
    expect(target.handled.filter((h) => h.id === id)).toHaveLength(1);
    const line = await cli.waitForLine((l) => l.includes('→ 200 duplicate'));
    expect(line).toMatch(
      new RegExp(
        `✔ 200 POST /anything {2}${id} {2}composio\\.trigger\\.message GITHUB_COMMIT_EVENT {2}\\(V1\\) {2}duplicate webhook-id \\(first seen \\d+ s ago\\) {2}→ 200 duplicate ${target.url} {2}\\d+ ms$`,
      ),
    );
  });

  it('the target refuses the forward secret: its 401 reaches the sender and the line', async () => {
    const { cli, origin } = await startListen([
      '--secret',
      SECRET,
      '--forward-to',
      target.url,
      '--quiet',
    ]);
    const result = await runCli(['send-test', '--url', origin, '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('← 401 Unauthorized · INVALID_SIGNATURE');
    const line = await cli.waitForLine((l) => l.includes('→ 401'));
    // The line shows what the sender got (the target's 401), not listen's own verdict.
    expect(line).toMatch(
      /✖ 401 POST \/ .* {2}→ 401 INVALID_SIGNATURE http:\/\/127\.0\.0\.1:\d+\/webhooks\/composio {2}\d+ ms$/,
    );
  });

  it('a signature listen refuses is not forwarded', async () => {
    const before = target.handled.length;
    const { cli, origin } = await startListen([...forwarding(), '--json']);
    const bad = await post(origin, buildTriggerMessage(), { secret: 'forged' });
    expect(bad.status).toBe(401);
    await cli.waitForLine((line) => line.includes('INVALID_SIGNATURE'));
    expect(listenRecords(cli).at(-1)).not.toHaveProperty('forward');
    expect(target.handled.length).toBe(before);
  });

  it('nothing at the target: 502 FORWARD_FAILED, and why', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/webhooks/composio`;
    const { cli, origin } = await startListen(['--secret', SECRET, '--forward-to', url, '--quiet']);
    const answer = await post(origin, buildTriggerMessage());
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ ok: false, error: { code: 'FORWARD_FAILED' } });
    const line = await cli.waitForLine((l) => l.includes('→ ✖'));
    // The sender got 502: the line says so (it used to say ✔ 200, listen's own verdict).
    expect(line).toMatch(/^\d\d:\d\d:\d\d ✖ 502 POST \/ /);
    expect(line).toContain(
      `→ ✖ ${url}  Nothing is listening at ${url} (ECONNREFUSED): start your server, or check the port.`,
    );
  });

  it('a forward secret that cannot sign in its format: exit 2 at start-up', async () => {
    const result = await runCli([
      'listen',
      '--port',
      '0',
      '--secret',
      SECRET,
      '--forward-to',
      'http://127.0.0.1:1/webhooks/composio',
      '--forward-secret',
      'not base64!',
      '--forward-secret-format',
      'standard',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a Standard Webhooks secret');
    expect(result.stdout).toBe('');
  });

  it.each([
    [['--forward-secret', 's'], '--forward-secret only applies with --forward-to <url>.'],
    [['--forward-timeout', '5'], '--forward-timeout only applies with --forward-to <url>.'],
    [
      ['--forward-to', 'localhost:3000'],
      '--forward-to must be an http(s) URL, got "localhost:3000".',
    ],
    [
      ['--forward-to', 'http://x', '--forward-secret-format', 'b64'],
      '--forward-secret-format must be one of raw, standard, got "b64".',
    ],
  ])('%j → exit 2: %s', async (args, message) => {
    const result = await runCli(['listen', '--port', '0', '--secret', SECRET, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });
});

describe('listen --record', () => {
  it('appends each verified delivery: the headers that matter and the exact body, never the signature', async () => {
    const file = join(dir, 'recorded.jsonl');
    const { cli, origin } = await startListen(['--secret', SECRET, '--record', file]);
    await cli.waitForLine((line) => line === `Recording verified deliveries to ${file}.`);
    const event = buildTriggerMessage({
      slug: 'GMAIL_NEW_GMAIL_MESSAGE',
      data: { subject: 'é ✓' },
    });
    const signed = await signWebhook({ payload: event, secret: SECRET });
    const response = await fetch(`${origin}/webhooks/composio`, {
      method: 'POST',
      headers: { ...signed.headers, 'x-composio-delivery-attempt': '3' },
      body: signed.body,
    });
    expect(response.status).toBe(200);
    expect((await post(origin, buildTriggerMessage(), { secret: 'forged' })).status).toBe(401);
    await cli.waitForLine((line) => line.includes('INVALID_SIGNATURE'));
    expect(await cli.stop()).toBe(0);
    expect(cli.lines).toContain(
      `Recorded 1 delivery to ${file}: composio-webhooks replay ${file} --url <url>`,
    );

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? '{}');
    expect(record).toMatchObject({
      path: '/webhooks/composio',
      id: event.id,
      type: 'composio.trigger.message',
      triggerSlug: 'GMAIL_NEW_GMAIL_MESSAGE',
      version: 'V3',
      body: signed.body,
      bodyEncoding: 'utf8',
      headers: {
        'webhook-id': event.id,
        'webhook-timestamp': signed.headers['webhook-timestamp'],
        'x-composio-webhook-version': 'V3',
        'x-composio-delivery-attempt': '3',
        'content-type': 'application/json',
      },
    });
    expect(JSON.stringify(record)).not.toContain('webhook-signature');
    expect(JSON.stringify(record)).not.toContain(signed.headers['webhook-signature']);
  });

  it('a file that cannot be opened: exit 2, before listening', async () => {
    const file = join(dir, 'no-such-dir', 'x.jsonl');
    const result = await runCli(['listen', '--port', '0', '--secret', SECRET, '--record', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `error: --record ${file}: cannot open the file for writing (ENOENT).`,
    );
    expect(result.stdout).toBe('');
  });
});
