/**
 * The CLI's development loop (the real binary) with every example app: `listen` verifies with its
 * own secret and forwards to the app, re-signed with the app's secret, while recording; `replay`
 * then sends the recording to the app again and tabulates the answers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenRecords, runCli, startListenCli } from '../../../packages/cli/test/helpers.js';
import {
  EXAMPLE_NAMES,
  type Example,
  exampleNamed,
  type HandledRecord,
  startExamples,
} from './examples.js';

const LISTEN_SECRET = 'the-public-endpoints-secret';
const APP_SECRET = 'the-local-apps-secret';

const handled: HandledRecord[] = [];
let examples: Example[] = [];
let stop: () => Promise<void>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dev-loop-'));
  ({ examples, stop } = await startExamples(APP_SECRET, (record) => handled.push(record)));
});

afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

const kinds = [
  { args: ['--event', 'trigger-message'], handlers: ['githubCommit', 'triggerMessage'] },
  { args: ['--event', 'connection-expired'], handlers: ['connectionExpired'] },
  { args: ['--event', 'trigger-disabled'], handlers: ['triggerDisabled'] },
];

const handlersOf = (id: string) =>
  handled
    .filter((record) => record.id === id)
    .map((record) => record.handler)
    .sort();

describe.each(EXAMPLE_NAMES)('%s example', (name) => {
  it('listen --forward-to (another secret) --record, then replay: the same handlers ran', async () => {
    const app = exampleNamed(examples, name);
    const file = join(dir, `${name}.jsonl`);
    const { cli, origin } = await startListenCli([
      '--secret',
      LISTEN_SECRET,
      '--forward-to',
      app.url,
      '--forward-secret',
      APP_SECRET,
      '--record',
      file,
      '--json',
      '--quiet',
    ]);
    const sent: string[] = [];
    try {
      for (const kind of kinds) {
        const result = await runCli([
          'send-test',
          '--url',
          `${origin}/webhooks/composio`,
          '--secret',
          LISTEN_SECRET,
          '--json',
          ...kind.args,
        ]);
        expect(result.code).toBe(0);
        const { webhookId } = JSON.parse(result.stdout) as { webhookId: string };
        // The app verified with its own secret: its handlers ran.
        expect(handlersOf(webhookId)).toEqual(kind.handlers);
        sent.push(webhookId);
      }
      await cli.waitForLine((line) => line.includes(sent.at(-1) ?? 'none'));
      expect(
        listenRecords(cli).map((r) => [r.id, (r.forward as { status: number }).status]),
      ).toEqual(sent.map((id) => [id, 200]));
    } finally {
      await cli.stop();
    }
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(kinds.length);

    // The app remembers these webhook-ids: a replay keeping them is answered as duplicates.
    const kept = await runCli(['replay', file, '--url', app.url, '--secret', APP_SECRET]);
    expect(kept.code).toBe(0);
    expect(kept.stdout.match(/ 200 +duplicate$/gm)).toHaveLength(kinds.length);
    expect(kept.stdout).toContain(`✔ Replayed 3 deliveries to ${app.url}: 3 × 200.`);
    for (const [i, id] of sent.entries()) expect(handlersOf(id)).toEqual(kinds[i]?.handlers);

    // As new deliveries: the same handlers run again, for each event.
    const fresh = await runCli([
      'replay',
      file,
      '--url',
      app.url,
      '--secret',
      APP_SECRET,
      '--new-ids',
    ]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout.match(/ 200 +ok$/gm)).toHaveLength(kinds.length);
    const ids = [...fresh.stdout.matchAll(/^\d+ {2}(msg_\S+)/gm)].map((match) => match[1] ?? '');
    expect(ids).toHaveLength(kinds.length);
    for (const [i, id] of ids.entries()) {
      expect(id).not.toBe(sent[i]);
      expect(handlersOf(id)).toEqual(kinds[i]?.handlers);
    }
  });
});
