/**
 * Terminal behaviour, in-process (a child process cannot be given a terminal here): colour and
 * the spinner appear only on a TTY, and never with NO_COLOR / --json.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import {
  createFakeSubscriptionsApi,
  type FakeSubscriptionsApi,
  type FakeWireTriggerType,
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

describe('tables on a terminal', () => {
  it('doctor: the header lines up with its columns although the marks are coloured', async () => {
    const t = io(true);
    await main(['doctor', '--url', endpoint.url, '--secret', 's'], t.io);
    expect(t.stdout()).toContain(`${ESC}32m✔${ESC}39m`);
    const lines = stripVTControlCharacters(t.stdout()).split('\n');
    const header = lines.find((line) => line.includes('PROBE')) ?? '';
    const row = lines.find((line) => line.includes('valid delivery')) ?? '';
    expect(row.indexOf('valid delivery')).toBe(header.indexOf('PROBE'));
    expect(row.indexOf('2xx')).toBe(header.indexOf('EXPECTED'));
    expect(row.lastIndexOf('200')).toBe(header.indexOf('GOT'));
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

  it('generate: each page fetched, then the generating step, on a TTY’s stderr', async () => {
    const github = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../../fixtures/trigger-types/github.json', import.meta.url)),
        'utf8',
      ),
    ) as { items: FakeWireTriggerType[] };
    const types = await createFakeSubscriptionsApi({
      apiKeys: ['k'],
      triggerTypes: github.items,
      triggerTypesDefaultLimit: 1,
    });
    try {
      const args = ['--api-key', 'k', '--base-url', types.url, 'generate', 'types'];
      const tty = io(true);
      const outFile = join(dir, 'progress.d.ts');
      expect(await main([...args, '--toolkits', 'github', '--out', outFile], tty.io)).toBe(0);
      expect(tty.stderr()).toContain('Fetching the trigger types of github… page 2');
      expect(tty.stderr()).toContain(`Generating types for ${github.items.length} trigger types…`);
      expect(tty.stderr().endsWith('\r\u001b[2K')).toBe(true);
      const slugs = io(true);
      const [first, second] = github.items.map((t) => t.slug);
      expect(
        await main(
          [...args, '--trigger', String(first), '--trigger', String(second), '--out', outFile],
          slugs.io,
        ),
      ).toBe(0);
      expect(slugs.stderr()).toContain('Fetching 2 trigger types… 2/2 done');
      const piped = io(false);
      expect(await main([...args, '--toolkits', 'github', '--out', outFile], piped.io)).toBe(0);
      expect(piped.stderr()).toBe('');
    } finally {
      await types.close();
    }
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
