/**
 * Terminal behaviour, in-process (a child process cannot be given a terminal here): colour and
 * the spinner appear only on a TTY, and never with NO_COLOR / --json.
 */
import {
  createFakeSubscriptionsApi,
  type FakeSubscriptionsApi,
} from '@composio-webhooks/client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import type { CliIo } from '../src/output.js';

let api: FakeSubscriptionsApi;
beforeAll(async () => {
  api = await createFakeSubscriptionsApi({ apiKeys: ['k'] });
});
afterAll(() => api.close());

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
