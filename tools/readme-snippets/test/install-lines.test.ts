/**
 * Every package README as a new user meets it: the install line installs everything the opening
 * snippet imports, and the snippet runs as written after it — against the PACKED tarballs (what
 * `npm publish` uploads) and exactly the third-party packages the line names, at the versions the
 * workspace pins, in a scratch project of its own outside the repository (./scratch.ts: one
 * install links every README's project, and none sees another's packages). Each snippet is
 * type-checked there (strict, NodeNext ESM) and run: a server gets one signed delivery over HTTP
 * and must answer 200 with its handler's output printed; an exported handler is called with one.
 * Only its port changes (`3000` → the free port in `PORT`). Packages added later are picked up
 * from packages/* /README.md. A snippet that needs Redis or PostgreSQL gets `REDIS_URL` /
 * `DATABASE_URL` (a database of its own), or a server the test kit starts; without one it is
 * skipped, saying why. Composio's API is the client's local fake. Runs after `pnpm build`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createFakeSubscriptionsApi } from '@composio-webhooks/client/testing';
import {
  createTestDatabase,
  findPostgresBin,
  POSTGRES_INSTALL_HINT,
  type TestDatabase,
} from '@composio-webhooks/test-postgres';
import {
  findRedisServer,
  REDIS_SERVER_INSTALL_HINT,
  RedisServer,
} from '@composio-webhooks/test-redis';
import {
  importedPackages,
  type ReadmeOpening,
  readmeOpening,
} from '@composio-webhooks/test-runtimes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openingKind, runOpening, usePortFromEnv } from './run-opening.js';
import { type PackedScratch, packedScratch } from './scratch.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const SECRET = 'readme-install-test-secret';

interface Readme {
  folder: string;
  name: string;
  opening: ReadmeOpening;
}

const readmes: Readme[] = readdirSync(join(root, 'packages'))
  .sort()
  .flatMap((folder) => {
    const dir = join(root, 'packages', folder);
    if (!existsSync(join(dir, 'README.md')) || !existsSync(join(dir, 'package.json'))) return [];
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.private) return [];
    const opening = readmeOpening(readFileSync(join(dir, 'README.md'), 'utf8'));
    return [{ folder, name: pkg.name as string, opening }];
  });

let scratch: PackedScratch;
let errors: Map<string, string[]>;
let redis: Promise<RedisServer> | undefined;
const databases: TestDatabase[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  scratch = await packedScratch(
    root,
    new Map(readmes.map((readme) => [readme.folder, readme.opening.installs])),
    ['@composio-webhooks/core'],
  );
  const snippets = new Map(
    readmes
      .filter((readme) => readme.opening.language === 'ts')
      .map((readme) => [readme.folder, usePortFromEnv(readme.opening.snippet)]),
  );
  errors = await scratch.compile(snippets);
  console.log(
    `readme install lines: one install for ${readmes.length} projects, ${scratch.installSeconds.toFixed(1)} s`,
  );
}, 600_000);

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await Promise.all(databases.map((database) => database.drop()));
  if (redis) await (await redis).stop();
  if (!process.env.KEEP_README_INSTALL_TEST) scratch?.remove();
});

/** The services a snippet uses, as environment variables, or why it cannot have them here. */
async function services(snippet: string): Promise<Record<string, string> | string> {
  const env: Record<string, string> = {};
  if (/REDIS_URL|from 'ioredis'|from 'bullmq'/.test(snippet)) {
    if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
    else if (!findRedisServer()) {
      return `needs Redis: REDIS_URL is not set and redis-server is not on PATH (${REDIS_SERVER_INSTALL_HINT})`;
    } else {
      redis ??= RedisServer.start();
      env.REDIS_URL = (await redis).url;
    }
  }
  if (/DATABASE_URL|from 'pg'|from 'pg-boss'/.test(snippet)) {
    if (!process.env.DATABASE_URL && !findPostgresBin()) {
      return `needs PostgreSQL: DATABASE_URL is not set and no server binaries (${POSTGRES_INSTALL_HINT})`;
    }
    const database = await createTestDatabase();
    databases.push(database);
    env.DATABASE_URL = database.url;
  }
  if (snippet.includes("from '@composio-webhooks/client'")) {
    const api = await createFakeSubscriptionsApi();
    closers.push(() => api.close());
    Object.assign(env, { COMPOSIO_API_KEY: 'test-api-key', COMPOSIO_BASE_URL: api.url });
  }
  return env;
}

describe('README install lines run the opening snippets from the packed tarballs', () => {
  it('finds every public package README', () => {
    expect(readmes.length).toBeGreaterThanOrEqual(13);
    expect(errors.get('') ?? []).toEqual([]);
  });

  for (const { folder, name, opening } of readmes) {
    it(`${name}: its install line installs what its snippet imports, which runs`, async (ctx) => {
      const readme = `packages/${folder}/README.md`;
      expect(opening.installLine, `${readme} has no npm install line`).toBeDefined();
      const installed = new Set(opening.installs.map((spec) => spec.name));
      const missing = importedPackages(opening.snippet).filter((pkg) => !installed.has(pkg));
      expect(missing, `${readme}'s snippet imports what "${opening.installLine}" lacks`).toEqual(
        [],
      );

      if (opening.language !== 'ts') {
        // A shell opening (the CLI's): the commands the package installs answer --help.
        const dir = join(scratch.project(folder), 'node_modules', name);
        const bins = Object.values(
          (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).bin ?? {}) as Record<
            string,
            string
          >,
        );
        expect(bins, `${readme} opens with shell commands but ${name} has no bin`).not.toEqual([]);
        for (const bin of bins) {
          const { stdout } = await run(process.execPath, [join(dir, bin), '--help'], {
            cwd: scratch.project(folder),
          });
          expect(stdout).toContain('Usage');
        }
        return;
      }

      expect(errors.get(folder) ?? [], `${readme}'s snippet does not compile`).toEqual([]);
      const env = await services(opening.snippet);
      if (typeof env === 'string') {
        console.log(`${name}: skipped, ${env}`);
        ctx.skip(env);
        return;
      }
      const kind = openingKind(opening.snippet);
      // Snippets that route GITHUB_COMMIT_EVENT print its data (the test event's author).
      const printed = /GITHUB_COMMIT_EVENT[\s\S]*console\.log/.test(opening.snippet)
        ? 'octocat'
        : undefined;
      const result = await runOpening(
        scratch.dir,
        join(scratch.project(folder), 'snippet.js'),
        kind,
        { ...env, COMPOSIO_WEBHOOK_SECRET: SECRET },
        printed,
      );
      if (kind.kind === 'runs') expect(result.printed.trim(), 'it printed nothing').not.toBe('');
      else expect(result.status, result.printed).toBe(200);
      if (printed) expect(result.printed, 'its handler did not run').toContain(printed);
    }, 120_000);
  }
});
