/**
 * `send-test` (the real binary) against a real receiver made with core's createWebhookReceiver,
 * and against stub servers that answer each status an adapter can answer with.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ComposioEvent,
  createWebhookRouter,
  type WebhookDelivery,
} from '@composio-webhooks/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, runCli } from './helpers.js';
import { serve, startReceiverServer } from './servers.js';

const SECRET = 'whsec-test-secret-for-send-test';

interface Received {
  handler: string;
  event: ComposioEvent;
  delivery: WebhookDelivery;
}

let closeServer: () => Promise<void>;
let url: string;
let received: Received[] = [];
let failNext = false;

beforeAll(async () => {
  const router = createWebhookRouter()
    .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
      if (failNext) {
        failNext = false;
        throw new Error('handler exploded');
      }
      received.push({ handler: 'onTrigger(GITHUB_COMMIT_EVENT)', event, delivery });
    })
    .onTrigger('SLACK_RECEIVE_MESSAGE', (event, delivery) => {
      received.push({ handler: 'onTrigger(SLACK_RECEIVE_MESSAGE)', event, delivery });
    })
    .on('composio.connected_account.expired', (event, delivery) => {
      received.push({ handler: 'on(connected_account.expired)', event, delivery });
    })
    .on('composio.trigger.disabled', (event, delivery) => {
      received.push({ handler: 'on(trigger.disabled)', event, delivery });
    });
  const started = await startReceiverServer({ secret: SECRET, router });
  closeServer = started.close;
  url = started.url;
});
afterAll(() => closeServer());
beforeEach(() => {
  received = [];
});

describe('send-test against a createWebhookReceiver server', () => {
  it('V3 trigger message: 200, exit 0, and the onTrigger handler ran with the event', async () => {
    const result = await runCli(['send-test', '--url', url, '--secret', SECRET]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('← 200 OK');
    expect(result.stdout).toContain(
      'Delivered: the endpoint verified the signature and answered 200.',
    );
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got?.handler).toBe('onTrigger(GITHUB_COMMIT_EVENT)');
    expect(got?.delivery.version).toBe('V3');
    expect(got?.delivery.attempt).toBe(1);
    expect(result.stdout).toContain(got?.delivery.id);
  });

  it('the secret can come from COMPOSIO_WEBHOOK_SECRET', async () => {
    const result = await runCli(['send-test', '--url', url], { COMPOSIO_WEBHOOK_SECRET: SECRET });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('secret from $COMPOSIO_WEBHOOK_SECRET');
    expect(received).toHaveLength(1);
  });

  it.each([
    [
      ['--event', 'connection-expired'],
      'on(connected_account.expired)',
      'composio.connected_account.expired',
      'V3',
    ],
    [['--event', 'trigger-disabled'], 'on(trigger.disabled)', 'composio.trigger.disabled', 'V3'],
    [
      ['--slug', 'SLACK_RECEIVE_MESSAGE'],
      'onTrigger(SLACK_RECEIVE_MESSAGE)',
      'composio.trigger.message',
      'V3',
    ],
    [
      ['--payload-version', 'V2'],
      'onTrigger(GITHUB_COMMIT_EVENT)',
      'composio.trigger.message',
      'V2',
    ],
    [
      ['--payload-version', 'V1', '--slug', 'SLACK_RECEIVE_MESSAGE'],
      'onTrigger(SLACK_RECEIVE_MESSAGE)',
      'composio.trigger.message',
      'V1',
    ],
  ])('%j reaches %s', async (args, handler, type, version) => {
    const result = await runCli(['send-test', '--url', url, '--secret', SECRET, ...args]);
    expect(result.code).toBe(0);
    expect(received.map((r) => r.handler)).toEqual([handler]);
    expect(received[0]?.event.type).toBe(type);
    expect(received[0]?.delivery.version).toBe(version);
  });

  it('--data becomes the trigger payload', async () => {
    const result = await runCli([
      'send-test',
      '--url',
      url,
      '--secret',
      SECRET,
      '--data',
      '{"message":"from the CLI"}',
    ]);
    expect(result.code).toBe(0);
    expect(received[0]?.event.data).toEqual({ message: 'from the CLI' });
  });

  const sendFile = (file: string) =>
    runCli(['send-test', '--url', url, '--secret', SECRET, '--data', `@${file}`]);

  it('--data @file.json reads the payload from a file: a 300 KB body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'send-test-'));
    try {
      const file = join(dir, 'payload.json');
      writeFileSync(file, JSON.stringify({ message: 'x'.repeat(300_000) }));
      const result = await sendFile(file);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/payload V3 · 29\d\.\d KiB/);
      expect(received[0]?.event.data).toEqual({ message: 'x'.repeat(300_000) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--data @file: a missing file or one that is not a JSON object → exit 2, nothing sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'send-test-'));
    try {
      writeFileSync(join(dir, 'text.json'), 'hello');
      writeFileSync(join(dir, 'list.json'), '[1, 2]');
      const cases: Array<[string, string]> = [
        [
          join(dir, 'missing.json'),
          `--data @${join(dir, 'missing.json')}: cannot read ${join(dir, 'missing.json')} (ENOENT).`,
        ],
        [
          join(dir, 'text.json'),
          `--data @${join(dir, 'text.json')}: the file is not JSON; it must hold a JSON object.`,
        ],
        [join(dir, 'list.json'), `--data @${join(dir, 'list.json')} must be a JSON object.`],
      ];
      for (const [file, message] of cases) {
        const result = await sendFile(file);
        expect(result.code).toBe(2);
        expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
      }
      expect(received).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('another secret: 401, exit 1, with the "wrong secret or clock skew?" hint', async () => {
    const result = await runCli(['send-test', '--url', url, '--secret', 'not-the-server-secret']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('← 401 Unauthorized · INVALID_SIGNATURE');
    expect(result.stdout).toContain('wrong secret or clock skew?');
    expect(received).toHaveLength(0);
  });

  it('a timestamp outside the tolerance: 401 with the clock hint', async () => {
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const result = await runCli([
      'send-test',
      '--url',
      url,
      '--secret',
      SECRET,
      '--timestamp',
      old,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('TIMESTAMP_OUT_OF_TOLERANCE');
    expect(result.stdout).toMatch(/clocks differ/);
  });

  it('the same --id twice: the second is a duplicate, handlers not run again', async () => {
    const id = `msg_${crypto.randomUUID()}`;
    expect((await runCli(['send-test', '--url', url, '--secret', SECRET, '--id', id])).code).toBe(
      0,
    );
    const again = await runCli([
      'send-test',
      '--url',
      url,
      '--secret',
      SECRET,
      '--id',
      id,
      '--json',
    ]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, status: 200, webhookId: id });
    expect(JSON.parse(again.stdout).explanation).toMatch(/duplicate/);
    expect(received).toHaveLength(1);
  });

  it('a handler that throws: 500 HANDLER_FAILED, explained', async () => {
    failNext = true;
    const result = await runCli(['send-test', '--url', url, '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('HANDLER_FAILED');
    expect(result.stdout).toMatch(/a handler threw/);
  });

  it('--json gives a machine-readable report', async () => {
    const result = await runCli(['send-test', '--url', url, '--secret', 'wrong', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      url,
      ok: false,
      status: 401,
      code: 'INVALID_SIGNATURE',
      explanation: 'Rejected the signature: wrong secret or clock skew?',
      eventType: 'composio.trigger.message',
      payloadVersion: 'V3',
    });
  });

  it('a wrong path: 404, explained', async () => {
    const result = await runCli([
      'send-test',
      '--url',
      url.replace('/webhooks/composio', '/hooks'),
      '--secret',
      SECRET,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Nothing handles this path');
  });
});

describe('send-test explains every status an adapter answers with', () => {
  let stub: Server;
  let origin: string;
  beforeAll(async () => {
    // Answers /<status>/<code> with that status and an adapter-shaped error body.
    const started = await serve((req, res) => {
      req.resume();
      const [, status, code] = (req.url ?? '').split('/');
      res.writeHead(Number(status), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code, message: 'stub' } }));
    });
    stub = started.server;
    origin = started.origin;
  });
  afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

  it.each([
    [400, 'INVALID_PAYLOAD', /not accepted as a Composio payload/],
    [401, 'MISSING_HEADERS', /wrong secret or clock skew\?[\s\S]*proxy/],
    [409, 'DUPLICATE_IN_FLIGHT', /still being processed/],
    [413, 'PAYLOAD_TOO_LARGE', /Raise the receiver’s maxBodyBytes \(default 1 MiB\)/],
    [413, 'ENTITY_TOO_LARGE', /express\.json\(\) stops at 100 KB[\s\S]*ComposioWebhookGuard/],
    [500, 'RAW_BODY_UNAVAILABLE', /body parser consumed it first/],
    [503, 'STORE_UNAVAILABLE', /idempotency store/],
  ])('%i %s', async (status, code, explanation) => {
    const result = await runCli([
      'send-test',
      '--url',
      `${origin}/${status}/${code}`,
      '--secret',
      SECRET,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`← ${status}`);
    expect(result.stdout).toContain(code);
    expect(result.stdout).toMatch(explanation);
    // Nest's module reads its own raw body: no advice to set rawBody or useBodyParser.
    expect(result.stdout).not.toMatch(/rawBody|useBodyParser/);
  });
});

describe('send-test usage and connection errors', () => {
  it('no secret: exit 2, names COMPOSIO_WEBHOOK_SECRET', async () => {
    const result = await runCli(['send-test', '--url', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('COMPOSIO_WEBHOOK_SECRET');
  });

  it.each([
    [['--event', 'connection-expired', '--payload-version', 'V2'], /exists only as a V3 payload/],
    [
      ['--event', 'push'],
      /--event must be one of trigger-message, connection-expired, trigger-disabled/,
    ],
    [['--data', '[1]'], /--data must be a JSON object/],
    [
      ['--data', '{oops'],
      /--data must be a JSON object, e\.g\. --data '\{"message":"hi"\}', or @file\.json\./,
    ],
  ])('%j → exit 2', async (args, message) => {
    const result = await runCli(['send-test', '--url', url, '--secret', SECRET, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('nothing listening: exit 1, says to start the server', async () => {
    const port = await closedPort();
    const result = await runCli([
      'send-test',
      '--url',
      `http://127.0.0.1:${port}/webhooks/composio`,
      '--secret',
      SECRET,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nothing is listening');
    expect(result.stderr).toContain('ECONNREFUSED');
  });
});
