/**
 * The CLI's development loop (the real binary) with every example app: `listen` verifies with its
 * own secret and forwards to the app, re-signed with the app's secret, while recording; `replay`
 * then sends the recording to the app again and tabulates the answers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, listenRecords, runCli, startListenCli } from '../../../packages/cli/test/helpers.js';
import { createApp as createExpressApp } from '../../express/src/app.js';
import { createApp as createKoaApp } from '../../koa/src/app.js';
import { createApp as createNestApp } from '../../nest/src/app.js';

const LISTEN_SECRET = 'the-public-endpoints-secret';
const APP_SECRET = 'the-local-apps-secret';

interface HandledRecord {
  handler: string;
  id: string;
  type: string;
}

const handled: HandledRecord[] = [];
const onHandled = (record: HandledRecord) => {
  handled.push(record);
};
const examples: Array<{ name: string; url: string; close(): Promise<void> }> = [];
const quiet = { log: console.log, warn: console.warn };
let dir: string;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/composio`);
    });
  });
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm build).`);
  dir = mkdtempSync(join(tmpdir(), 'dev-loop-'));
  console.log = () => {};
  console.warn = () => {};
  for (const [name, app] of [
    ['express', createExpressApp({ secret: APP_SECRET, onHandled })],
    ['koa', createKoaApp({ secret: APP_SECRET, onHandled }).callback()],
  ] as const) {
    const server = createServer(app);
    examples.push({
      name,
      url: await listen(server),
      close: () => new Promise((resolve) => server.close(() => resolve())),
    });
  }
  for (const platform of ['express', 'fastify'] as const) {
    const app = await createNestApp({ secret: APP_SECRET, onHandled, platform, logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    examples.push({
      name: `nest-${platform}`,
      url: `http://127.0.0.1:${port}/webhooks/composio`,
      close: () => app.close(),
    });
  }
});

afterAll(async () => {
  Object.assign(console, quiet);
  await Promise.all(examples.map((example) => example.close()));
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

describe.each(['express', 'koa', 'nest-express', 'nest-fastify'])('%s example', (name) => {
  it('listen --forward-to (another secret) --record, then replay: the same handlers ran', async () => {
    const app = examples.find((example) => example.name === name);
    if (!app) throw new Error(`no ${name} example`);
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
