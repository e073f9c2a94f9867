/**
 * `generate types` and `generate validators` (the real binary): from saved answers and from the
 * local fake of the trigger types API (paging, 401/404/429/5xx, malformed answers); the output is
 * byte-identical for the same input, and the validators work in a real receiver.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createFakeSubscriptionsApi,
  type FakeSubscriptionsApi,
  type FakeWireTriggerType,
} from '@composio-webhooks/client/testing';
import {
  createWebhookReceiver,
  createWebhookRouter,
  type ReceiverOutcome,
  type TriggerValidators,
} from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/trigger-types/', import.meta.url));
const GITHUB = join(fixtures, 'github.json');
const GMAIL = join(fixtures, 'gmail.json');
const GOLDEN = fileURLToPath(new URL('../test-types/composio-triggers.d.ts', import.meta.url));
const KEY = 'generate-test-key';

async function saved(file: string): Promise<FakeWireTriggerType[]> {
  return (JSON.parse(await readFile(file, 'utf8')) as { items: FakeWireTriggerType[] }).items;
}

let api: FakeSubscriptionsApi;
let dir: string;
beforeAll(async () => {
  api = await createFakeSubscriptionsApi({
    apiKeys: [KEY],
    triggerTypes: [...(await saved(GITHUB)), ...(await saved(GMAIL))],
    // One trigger type per page: every listing follows the cursor.
    triggerTypesDefaultLimit: 1,
  });
  dir = await mkdtemp(join(tmpdir(), 'composio-generate-'));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => api.reset());

const fromApi = (...args: string[]) => runCli(['--api-key', KEY, '--base-url', api.url, ...args]);
const out = (name: string) => join(dir, name);
/** `generate <kind> --from-file <file>… --out <outFile> …extra`, offline. */
const generate = (
  kind: 'types' | 'validators',
  files: readonly string[],
  outFile: string,
  ...extra: string[]
) =>
  runCli([
    'generate',
    kind,
    ...files.flatMap((f) => ['--from-file', f]),
    '--out',
    outFile,
    ...extra,
  ]);

describe('generate types', () => {
  it('from saved answers: exactly the golden file, byte-identical on every run', async () => {
    const first = await generate('types', [GITHUB, GMAIL], out('a/triggers.d.ts'));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Wrote ${out('a/triggers.d.ts')}`);
    expect(first.stdout).toContain(
      'github 20251001_00: GITHUB_COMMIT_EVENT, GITHUB_PULL_REQUEST_EVENT',
    );
    const text = await readFile(out('a/triggers.d.ts'), 'utf8');
    expect(text).toBe(await readFile(GOLDEN, 'utf8'));

    // Same input, files in the other order, into a fresh file: the same bytes.
    const again = await generate('types', [GMAIL, GITHUB], out('b.d.ts'));
    expect(again.code).toBe(0);
    expect(await readFile(out('b.d.ts'), 'utf8')).toBe(text);
    // Re-running onto the existing file leaves it alone and says so.
    const rerun = await generate('types', [GITHUB, GMAIL], out('a/triggers.d.ts'));
    expect(rerun.stdout).toContain('Unchanged');
  });

  it('maps the schema faithfully (JSDoc, $defs, anyOf with null, enums, arrays, required)', async () => {
    const text = await readFile(GOLDEN, 'utf8');
    expect(text).toContain(
      "declare module '@composio-webhooks/core' {\n  interface TriggerPayloads {",
    );
    expect(text).toContain('GITHUB_PULL_REQUEST_EVENT: GITHUB_PULL_REQUEST_EVENT.Payload;');
    expect(text).toContain("action: 'opened' | 'closed' | 'reopened' | 'synchronize';");
    expect(text).toContain('body?: string | null;');
    expect(text).toContain('user: User;');
    expect(text).toContain('reply_to?: Sender | null;');
    expect(text).toContain('attachment_list?: Attachment[];');
    expect(text).toContain('     * GitHub username of the commit author\n');
    expect(text).toContain('Toolkit `gmail`, schema version `20250930_00`, poll trigger.');
    // No named alias per Pydantic property title.
    expect(text).not.toMatch(/export type (Author|Title|Body) =/);
    // No index signature: a misspelt field is a compile error.
    expect(text).not.toContain('[k: string]');
  });

  it('from the API: every page, toolkit_slugs and versions sent; same bytes as from the saved answers', async () => {
    const result = await fromApi(
      'generate',
      'types',
      '--toolkits',
      'github,gmail',
      '--toolkit-versions',
      'github=20251001_00',
      '--out',
      out('api.d.ts'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(out('api.d.ts'), 'utf8')).toBe(await readFile(GOLDEN, 'utf8'));
    const pages = api.requests.filter((r) => r.path === '/triggers_types');
    expect(pages).toHaveLength(3);
    expect(new URLSearchParams(pages[0]?.search).getAll('toolkit_slugs')).toEqual([
      'github',
      'gmail',
    ]);
    expect(pages.every((r) => r.query['toolkit_versions[github]'] === '20251001_00')).toBe(true);
    expect(pages.every((r) => r.apiKey === KEY)).toBe(true);
  });

  it('--trigger keeps only those slugs; without --toolkits it gets each by slug', async () => {
    const listed = await fromApi(
      'generate',
      'types',
      '--toolkits',
      'github',
      '--trigger',
      'GITHUB_PULL_REQUEST_EVENT',
      '--out',
      out('one.d.ts'),
    );
    expect(listed.code, listed.stderr).toBe(0);
    const text = await readFile(out('one.d.ts'), 'utf8');
    expect(text).toContain('GITHUB_PULL_REQUEST_EVENT: GITHUB_PULL_REQUEST_EVENT.Payload;');
    expect(text).not.toContain('GITHUB_COMMIT_EVENT');

    api.reset();
    const bySlug = await fromApi(
      'generate',
      'types',
      '--trigger',
      'GMAIL_NEW_GMAIL_MESSAGE',
      '--out',
      out('slug.d.ts'),
    );
    expect(bySlug.code, bySlug.stderr).toBe(0);
    expect(api.requests.map((r) => r.path)).toEqual(['/triggers_types/GMAIL_NEW_GMAIL_MESSAGE']);
    expect(await readFile(out('slug.d.ts'), 'utf8')).toContain('GMAIL_NEW_GMAIL_MESSAGE.Payload');
  });

  it('--module augments the package the app imports from; --json reports files and versions', async () => {
    const result = await generate(
      'types',
      [GITHUB],
      out('express.d.ts'),
      '--module',
      '@composio-webhooks/express',
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      files: [{ file: out('express.d.ts'), changed: true }],
      triggers: [
        { slug: 'GITHUB_COMMIT_EVENT', toolkit: 'github', version: '20251001_00' },
        { slug: 'GITHUB_PULL_REQUEST_EVENT', toolkit: 'github', version: '20251001_00' },
      ],
    });
    expect(await readFile(out('express.d.ts'), 'utf8')).toContain(
      "declare module '@composio-webhooks/express'",
    );
  });
});

describe('generate: failures', () => {
  it('retries a 429 and a 503, then succeeds', async () => {
    api.fault({ path: '/triggers_types', status: 429, headers: { 'retry-after': '0' } });
    api.fault({ path: '/triggers_types', status: 503, headers: { 'retry-after': '0' } });
    const result = await fromApi(
      'generate',
      'types',
      '--toolkits',
      'gmail',
      '--out',
      out('retry.d.ts'),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/HTTP 429 \(rate limited\); retrying/);
    expect(api.requests.map((r) => r.status)).toEqual([429, 503, 200]);
  });

  it('a wrong API key: exit 1 with the 401 and the key hint, nothing written', async () => {
    const result = await runCli([
      '--api-key',
      'nope',
      '--base-url',
      api.url,
      'generate',
      'types',
      '--toolkits',
      'github',
      '--out',
      out('401.d.ts'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 401 Unauthorized/);
    expect(result.stderr).toContain('Check the API key');
    await expect(readFile(out('401.d.ts'))).rejects.toThrow(/ENOENT/);
  });

  it('an unknown slug: exit 1 naming it (404 by slug, or missing from the listing)', async () => {
    const bySlug = await fromApi(
      'generate',
      'types',
      '--trigger',
      'NOPE_EVENT',
      '--out',
      out('404.d.ts'),
    );
    expect(bySlug.code).toBe(1);
    expect(bySlug.stderr).toContain('Composio has no trigger type NOPE_EVENT (HTTP 404)');
    const listed = await generate('types', [GITHUB], out('404.d.ts'), '--trigger', 'NOPE_EVENT');
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain('No trigger type NOPE_EVENT among the 2 read');
  });

  it('a 5xx that persists and a malformed answer: exit 1, clear message', async () => {
    api.fault({ path: '/triggers_types', status: 500, times: 3 });
    const down = await fromApi(
      'generate',
      'types',
      '--toolkits',
      'github',
      '--out',
      out('5xx.d.ts'),
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/HTTP 500.*after 3 attempts/);

    api.fault({ path: '/triggers_types', status: 200, body: { items: [{ slug: 'X' }] } });
    const bad = await fromApi(
      'generate',
      'types',
      '--toolkits',
      'github',
      '--out',
      out('bad.d.ts'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected an object at $.items[0].toolkit');
  });

  it('usage mistakes: exit 2', async () => {
    const noOut = await runCli(['generate', 'types', '--from-file', GITHUB]); // no --out
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('generate types needs --out <file>');
    const noSource = await runCli(['generate', 'types', '--out', out('x.d.ts')]);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain('needs --toolkits');
    const noKey = await runCli([
      'generate',
      'types',
      '--toolkits',
      'github',
      '--out',
      out('x.d.ts'),
    ]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('No Composio API key');
    const badVersions = await generate(
      'types',
      [GITHUB],
      out('x.d.ts'),
      '--toolkit-versions',
      'github',
    );
    expect(badVersions.code).toBe(2);
    const notJson = await generate('types', [GOLDEN], out('x.d.ts'));
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('is not JSON');
  });

  it('--from-file: the help and every error say what the file is and how to save one', async () => {
    const howTo =
      'curl -H "x-api-key: $COMPOSIO_API_KEY" "https://backend.composio.dev/api/v3/triggers_types?toolkit_slugs=github" > github.json';
    const help = (await runCli(['generate', 'types', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      'Saved answers (--from-file): the JSON body of GET /api/v3/triggers_types?toolkit_slugs=… (a page: { "items": [...], "next_cursor": … }), an array of such pages, one trigger type (GET /api/v3/triggers_types/<SLUG>) or an array of trigger types.',
    );
    expect(help).toContain(howTo);
    const wrongShape = join(dir, 'not-answers.json');
    await writeFile(wrongShape, JSON.stringify({ triggers: [] }));
    for (const file of [GOLDEN, wrongShape]) {
      const result = await generate('validators', [file], out('x.js'));
      expect(result.code).toBe(2);
      const [first = ''] = result.stderr.split('\n');
      expect(first).toMatch(
        new RegExp(`^error: --from-file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not`),
      );
      expect(first).toContain('--from-file takes the JSON body of GET /api/v3/triggers_types');
      expect(first).toContain(`Save one with: ${howTo}`);
    }
  });
});

describe('generate validators', () => {
  const pullRequest = {
    action: 'opened',
    number: 7,
    title: 'Typed trigger data',
    user: { login: 'octocat', id: 1 },
  };

  async function receiverWith(validators: TriggerValidators, mismatch: 'warn' | 'strict') {
    const secret = 'generate-validators-secret';
    const outcomes: ReceiverOutcome[] = [];
    const handled: unknown[] = [];
    const receiver = createWebhookReceiver({
      secret,
      idempotency: false,
      logger: false,
      router: createWebhookRouter().onAny((event) => {
        handled.push(event.type);
      }),
      triggerValidators: validators,
      triggerMismatch: mismatch,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    const send = async (data: Record<string, unknown>) =>
      receiver.receive(
        await signWebhook({
          payload: buildTriggerMessage<string>({ slug: 'GITHUB_PULL_REQUEST_EVENT', data }),
          secret,
        }),
      );
    return { send, outcomes, handled };
  }

  it('writes an ESM module and its .d.ts, deterministic, that a receiver takes as triggerValidators', async () => {
    const args = ['generate', 'validators', '--from-file', GITHUB, '--from-file', GMAIL];
    const result = await runCli([...args, '--out', out('v/validators.js')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out('v/validators.d.ts')}`);
    await runCli([...args, '--out', out('v2/validators.js')]);
    const code = await readFile(out('v/validators.js'), 'utf8');
    expect(await readFile(out('v2/validators.js'), 'utf8')).toBe(code);
    expect(code).toContain(
      '//   github 20251001_00: GITHUB_COMMIT_EVENT, GITHUB_PULL_REQUEST_EVENT',
    );
    expect(code).not.toMatch(/require\(|new Function|from 'ajv'/);
    expect(await readFile(out('v/validators.d.ts'), 'utf8')).toContain(
      'export declare const triggerValidators: TriggerValidators;',
    );

    const mod = (await import(pathToFileURL(out('v/validators.js')).href)) as {
      triggerValidators: TriggerValidators;
      default: TriggerValidators;
    };
    expect(mod.default).toBe(mod.triggerValidators);
    expect(Object.keys(mod.triggerValidators)).toEqual([
      'GITHUB_COMMIT_EVENT',
      'GITHUB_PULL_REQUEST_EVENT',
      'GMAIL_NEW_GMAIL_MESSAGE',
    ]);

    const strict = await receiverWith(mod.triggerValidators, 'strict');
    expect((await strict.send({ ...pullRequest, extra: 'Composio added it' })).status).toBe(200);
    expect((await strict.send({ ...pullRequest, number: 'seven' })).status).toBe(400);
    expect(strict.outcomes[1]?.triggerMismatch).toMatchObject({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      pointer: '/number',
      schemaVersion: '20251001_00',
      reason: 'must be integer',
    });
    expect(strict.handled).toHaveLength(1);

    const warn = await receiverWith(mod.triggerValidators, 'warn');
    expect((await warn.send({ ...pullRequest, user: { id: 1 } })).status).toBe(200);
    expect(warn.handled).toHaveLength(1);
    expect(warn.outcomes[0]?.triggerMismatch?.pointer).toBe('/user');
  });

  it('writes CommonJS for a .cjs file', async () => {
    const result = await generate('validators', [GITHUB], out('v/validators.cjs'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out('v/validators.d.cts')}`);
    const mod = createRequire(import.meta.url)(out('v/validators.cjs')) as {
      triggerValidators: TriggerValidators;
    };
    const commit = mod.triggerValidators.GITHUB_COMMIT_EVENT;
    expect(commit?.version).toBe('20251001_00');
    expect(commit?.validate({ author: 'a', id: 'b', message: 'c', timestamp: 'd', url: 'e' })).toBe(
      true,
    );
    expect(commit?.validate({ author: 1 })).toBe(false);
  });
});
