/**
 * `listen --record` → `replay` with the real binary: the recorded deliveries reach the same
 * handlers again, re-signed with the target's secret, and the answers are tabulated.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, runCli, startListenCli } from './helpers.js';
import { type ReceiverServer, startReceiverServer } from './servers.js';

const LISTEN_SECRET = 'replay-listen-secret';
const APP_SECRET = 'replay-app-secret';
let dir: string;
let file: string;
let target: ReceiverServer;
/** What was recorded: webhook-id, event type and slug, in order. */
let recorded: Array<{ id: string; type: string; slug: string | null }>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'replay-'));
  file = join(dir, 'deliveries.jsonl');
  const { cli, origin } = await startListenCli([
    '--secret',
    LISTEN_SECRET,
    '--record',
    file,
    '--quiet',
  ]);
  recorded = [];
  for (const args of [
    ['--slug', 'GITHUB_COMMIT_EVENT'],
    ['--event', 'connection-expired'],
    ['--payload-version', 'V2', '--slug', 'SLACK_RECEIVE_MESSAGE'],
  ]) {
    const sent = await runCli([
      'send-test',
      '--url',
      `${origin}/webhooks/composio`,
      '--secret',
      LISTEN_SECRET,
      '--json',
      ...args,
    ]);
    const report = JSON.parse(sent.stdout) as { webhookId: string; eventType: string };
    const slug = args.includes('connection-expired') ? null : (args.at(-1) ?? null);
    recorded.push({ id: report.webhookId, type: report.eventType, slug });
  }
  await cli.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  // A fresh app (empty dedupe memory) for each test.
  target = await startReceiverServer({ secret: APP_SECRET });
  return () => target.close();
});

const replay = (...args: string[]) =>
  runCli(['replay', file, '--url', target.url, '--secret', APP_SECRET, ...args]);

describe('replay', () => {
  it('sends every recorded delivery, re-signed, to the same handlers; a table of the answers', async () => {
    const result = await replay();
    expect(result.code).toBe(0);
    expect(target.handled.map(({ id, type, slug }) => ({ id, type, slug }))).toEqual(recorded);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^# {2}WEBHOOK-ID {2,}EVENT {2,}STATUS {2}RESULT$/);
    recorded.forEach((r, i) => {
      expect(lines[i + 1]).toMatch(
        new RegExp(
          `^${i + 1} {2}${r.id} {2}${r.type.replaceAll('.', '\\.')}${r.slug ? ` ${r.slug}` : ''} +200 +ok$`,
        ),
      );
    });
    expect(result.stdout).toContain(`✔ Replayed 3 deliveries to ${target.url}: 3 × 200.`);
  });

  it('--keep-ids (the default): an app that remembers the ids answers "duplicate", handlers do not run again', async () => {
    expect((await replay()).code).toBe(0);
    const again = await replay('--keep-ids');
    expect(again.code).toBe(0);
    expect(again.stdout.match(/ 200 +duplicate$/gm)).toHaveLength(3);
    expect(again.stdout).toContain(
      '3 answered as duplicates: the app had already processed these webhook-ids, so its handlers did not run again. --new-ids sends them as new deliveries.',
    );
    expect(target.handled).toHaveLength(3);
  });

  it('--new-ids: new webhook-ids (also in the body), so the handlers run again', async () => {
    expect((await replay()).code).toBe(0);
    const fresh = await replay('--new-ids', '--json');
    expect(fresh.code).toBe(0);
    const report = JSON.parse(fresh.stdout) as {
      results: Array<{ id: string; recordedId: string; status: number; duplicate: boolean }>;
    };
    expect(report.results.map((r) => r.recordedId)).toEqual(recorded.map((r) => r.id));
    for (const r of report.results) {
      expect(r.id).not.toBe(r.recordedId);
      expect(r).toMatchObject({ status: 200, duplicate: false });
    }
    expect(target.handled.slice(3).map((h) => h.id)).toEqual(report.results.map((r) => r.id));
  });

  it('--id picks deliveries (repeated or comma-separated); --json has the statuses', async () => {
    const [first, , third] = recorded;
    const result = await replay('--id', `${third?.id},${first?.id}`, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      url: target.url,
      file,
      total: 2,
      ok: true,
      statuses: { '200': 2 },
      results: [
        { n: 1, id: first?.id, status: 200, code: null, duplicate: false, error: null },
        { n: 2, id: third?.id, status: 200 },
      ],
    });
    expect(target.handled.map((h) => h.id)).toEqual([first?.id, third?.id]);
  });

  it('--rate paces the deliveries; all are sent', async () => {
    const result = await replay('--rate', '20/s');
    expect(result.code).toBe(0);
    expect(target.handled).toHaveLength(3);
  });

  it('the app has another secret: 401 in the table, exit 1, and what it means', async () => {
    const result = await runCli(['replay', file, '--url', target.url, '--secret', 'wrong']);
    expect(result.code).toBe(1);
    expect(result.stdout.match(/ 401 +INVALID_SIGNATURE$/gm)).toHaveLength(3);
    expect(result.stdout).toContain(`✖ Replayed 3 deliveries to ${target.url}: 3 × 401.`);
    expect(result.stdout).toContain(
      'A 401 means the endpoint verifies with another secret or secret format than this replay signs with: check --secret.',
    );
    expect(target.handled).toHaveLength(0);
  });

  it('nothing listening: each row says so, exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/webhooks/composio`;
    const result = await runCli(['replay', file, '--url', url, '--secret', APP_SECRET]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Nothing is listening at ${url} (ECONNREFUSED)`);
    expect(result.stdout).toContain(`: 3 × no answer.`);
  });
});

describe('replay usage errors (exit 2)', () => {
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    [
      () => ['replay', '--url', 'http://x', '--secret', 's'],
      () => 'replay needs the file written by "composio-webhooks listen --record <file.jsonl>".',
    ],
    [() => ['replay', file, '--secret', 's'], () => 'replay needs --url <your webhook endpoint>.'],
    [
      () => ['replay', file, '--url', 'http://x'],
      () => 'No webhook secret: pass --secret <secret> or set COMPOSIO_WEBHOOK_SECRET.',
    ],
    [
      () => ['replay', join(dir, 'nope.jsonl'), '--url', 'http://x', '--secret', 's'],
      () => `Cannot read ${join(dir, 'nope.jsonl')} (ENOENT).`,
    ],
    [
      () => [
        'replay',
        write('bad.jsonl', '{"id":"msg_1"}\nnot json\n'),
        '--url',
        'http://x',
        '--secret',
        's',
      ],
      () =>
        `${join(dir, 'bad.jsonl')}:1 is not a delivery recorded by "composio-webhooks listen --record".`,
    ],
    [
      () => ['replay', write('empty.jsonl', '\n'), '--url', 'http://x', '--secret', 's'],
      () =>
        `${join(dir, 'empty.jsonl')} holds no recorded delivery: record some with "composio-webhooks listen --record ${join(dir, 'empty.jsonl')}".`,
    ],
    [
      () => ['replay', file, '--url', 'http://x', '--secret', 's', '--id', 'msg_missing'],
      () =>
        `${file} has no delivery with webhook-id msg_missing (it holds 3: ${recorded.map((r) => r.id).join(', ')}).`,
    ],
    [
      () => ['replay', file, '--url', 'http://x', '--secret', 's', '--keep-ids', '--new-ids'],
      () => '--keep-ids and --new-ids exclude each other: pick one.',
    ],
    [
      () => ['replay', file, '--url', 'http://x', '--secret', 's', '--rate', 'fast'],
      () => '--rate must be a number of deliveries per second, e.g. 5 or 5/s, got "fast".',
    ],
    [
      () => ['replay', file, 'extra.jsonl', '--url', 'http://x', '--secret', 's'],
      () => 'replay takes at most one file, got an extra "extra.jsonl".',
    ],
  ])('%#', async (args, message) => {
    const result = await runCli(args());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message()}`);
  });
});
