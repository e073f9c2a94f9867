/**
 * The real `composio-webhooks send-test` binary against every example app: each event kind is
 * answered 200 and runs the right handler; a server with another secret answers 401 and the CLI
 * says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../packages/cli/test/helpers.js';
import {
  EXAMPLE_NAMES,
  type Example,
  exampleNamed,
  type HandledRecord,
  startExamples,
} from './examples.js';

const SECRET = 'send-test-example-secret';

const handled: HandledRecord[] = [];
let examples: Example[] = [];
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ examples, stop } = await startExamples(SECRET, (record) => handled.push(record)));
});

afterAll(() => stop());

const kinds = [
  { args: ['--event', 'trigger-message'], handlers: ['githubCommit', 'triggerMessage'] },
  {
    args: ['--event', 'trigger-message', '--slug', 'SLACK_RECEIVE_MESSAGE'],
    handlers: ['triggerMessage'],
  },
  {
    args: ['--event', 'trigger-message', '--payload-version', 'V1'],
    handlers: ['githubCommit', 'triggerMessage'],
  },
  {
    args: ['--event', 'trigger-message', '--payload-version', 'V2'],
    handlers: ['githubCommit', 'triggerMessage'],
  },
  { args: ['--event', 'connection-expired'], handlers: ['connectionExpired'] },
  { args: ['--event', 'trigger-disabled'], handlers: ['triggerDisabled'] },
];

describe.each(EXAMPLE_NAMES)('send-test → %s example', (name) => {
  const urlOf = () => exampleNamed(examples, name).url;

  it.each(kinds)('$args: 200 and the right handler ran', async ({ args, handlers }) => {
    const before = handled.length;
    const result = await runCli([
      'send-test',
      '--url',
      urlOf(),
      '--secret',
      SECRET,
      '--json',
      ...args,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { status: number; webhookId: string };
    expect(report.status).toBe(200);
    const ran = handled.slice(before).filter((record) => record.id === report.webhookId);
    expect(ran.map((record) => record.handler).sort()).toEqual(handlers);
  });

  it('another secret: 401, exit 1, and the hint', async () => {
    const before = handled.length;
    const result = await runCli([
      'send-test',
      '--url',
      urlOf(),
      '--secret',
      'not-the-server-secret',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('401');
    expect(result.stdout).toContain('wrong secret or clock skew?');
    expect(handled.length).toBe(before);
  });
});
