/**
 * Terminal behaviour, in-process (a child process cannot be given a terminal here): colour and
 * the spinner appear only on a TTY, and never with NO_COLOR / --json.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createFakeSubscriptionsApi,
  type FakeSubscriptionsApi,
} from '@composio-webhooks/client/testing';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import type { CliIo } from '../src/output.js';
import { type ReceiverServer, startReceiverServer } from './servers.js';

let api: FakeSubscriptionsApi;
let endpoint: ReceiverServer;
let dir: string;
let recording: string;
beforeAll(async () => {
  api = await createFakeSubscriptionsApi({ apiKeys: ['k'] });
  endpoint = await startReceiverServer({ secret: 's', idempotency: false });
  dir = mkdtempSync(join(tmpdir(), 'tty-'));
  recording = join(dir, 'three.jsonl');
  const lines = [1, 2, 3].map(() => {
    const event = buildTriggerMessage();
    return JSON.stringify({
      recordedAt: new Date().toISOString(),
      path: '/webhooks/composio',
      id: event.id,
      type: event.type,
      triggerSlug: event.metadata.trigger_slug,
      version: 'V3',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      bodyEncoding: 'utf8',
    });
  });
  writeFileSync(recording, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([api.close(), endpoint.close()]);
});

function io(tty: boolean, env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const value: CliIo = {
    stdout: { write: (chunk: string) => stdout.push(chunk), isTTY: tty },
    stderr: { write: (chunk: string) => stderr.push(chunk), isTTY: tty },
    env,
  };
  return { io: value, stdout: () => stdout.join(''), stderr: () => stderr.join('') };
}

const ESC = '\u001b[';
const args = () => ['--api-key', 'k', '--base-url', api.url, 'event-types'];

describe('terminal output', () => {
  it('on a TTY: colour on stdout, a spinner on stderr that clears its line', async () => {
    api.fault({ delayMs: 200 }); // long enough for a few frames
    const t = io(true);
    expect(await main(args(), t.io)).toBe(0);
    expect(t.stdout()).toContain(`${ESC}1m`); // bold table header
    expect(t.stderr()).toMatch(/⠋.*Fetching event types…/);
    expect(t.stderr().endsWith('\r\u001b[2K')).toBe(true);
  });

  it('piped: no escape codes at all, no spinner', async () => {
    const t = io(false);
    expect(await main(args(), t.io)).toBe(0);
    expect(t.stdout()).not.toContain(ESC);
    expect(t.stderr()).toBe('');
  });

  it('NO_COLOR on a TTY: no colour', async () => {
    const t = io(true, { NO_COLOR: '1' });
    expect(await main(args(), t.io)).toBe(0);
    expect(t.stdout()).not.toContain(ESC);
  });

  it('--json on a TTY: plain JSON, no spinner', async () => {
    const t = io(true);
    expect(await main([...args(), '--json'], t.io)).toBe(0);
    expect(JSON.parse(t.stdout()).items).toHaveLength(3);
    expect(t.stderr()).toBe('');
  });

  it('errors are red on a TTY stderr only', async () => {
    const tty = io(true);
    expect(
      await main(['subscription', 'get', 'whs_x', '--api-key', 'k', '--base-url', api.url], tty.io),
    ).toBe(1);
    expect(tty.stderr()).toContain(`${ESC}31merror:`);
    const piped = io(false);
    expect(
      await main(
        ['subscription', 'get', 'whs_x', '--api-key', 'k', '--base-url', api.url],
        piped.io,
      ),
    ).toBe(1);
    expect(piped.stderr()).toMatch(/^error: Composio API answered HTTP 404/);
  });
});

describe('progress of long operations', () => {
  it('doctor: each probe on a TTY’s stderr; nothing there with --json', async () => {
    const args = ['doctor', '--url', endpoint.url, '--secret', 's'];
    const tty = io(true);
    await main(args, tty.io);
    expect(tty.stderr()).toContain('Probe 1/9: valid delivery…');
    expect(tty.stderr()).toContain('Probe 9/9: 1.1 MiB body (over 1.0 MiB)…');
    expect(tty.stderr().endsWith('\r\u001b[2K')).toBe(true);
    const json = io(true);
    await main([...args, '--json'], json.io);
    expect(json.stderr()).toBe('');
    expect(JSON.parse(json.stdout()).probes).toHaveLength(9);
    const piped = io(false);
    await main(args, piped.io);
    expect(piped.stderr()).toBe('');
  });

  it('replay: n/total on a TTY’s stderr; nothing there with --json', async () => {
    const args = ['replay', recording, '--url', endpoint.url, '--secret', 's'];
    const tty = io(true);
    expect(await main(args, tty.io)).toBe(0);
    for (const n of [1, 2, 3]) {
      expect(tty.stderr()).toContain(`Replaying ${n}/3 to ${endpoint.url}…`);
    }
    const json = io(true);
    expect(await main([...args, '--json'], json.io)).toBe(0);
    expect(json.stderr()).toBe('');
    expect(JSON.parse(json.stdout())).toMatchObject({ total: 3, statuses: { '200': 3 } });
  });
});
