/**
 * The built package, as users get it: what its ESM entry loads has no Node built-in (only this
 * package, core's Web-safe chunks and Hono), and `import`/`require` by its real name serve a
 * signed delivery through a Hono app. Runs against `dist/`: build first
 * (`pnpm --filter @composio-webhooks/hono build`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { webImports } from '@composio-webhooks/test-runtimes';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireHonoBuilt } from './support.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

beforeAll(requireHonoBuilt);

describe('package.json', () => {
  it('is an ESM package with CJS, types for both formats, and Hono 4 as a peer', () => {
    expect(pkg.name).toBe('@composio-webhooks/hono');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(pkg.peerDependencies).toEqual({ hono: '^4.0.0' });
    expect(pkg.dependencies).toEqual({ '@composio-webhooks/core': 'workspace:^' });
  });
});

describe('what a Web runtime loads', () => {
  it('the ESM entry and everything it imports has no Node built-in', async () => {
    const { builtins, files } = await webImports(join(packageDir, 'dist/index.js'));
    expect(builtins).toEqual([]);
    const allowed = [
      join(packageDir, 'dist'),
      join(packageDir, '..', 'core', 'dist'),
      realpathSync(join(packageDir, 'node_modules', 'hono')),
    ];
    expect(files.filter((file) => !allowed.some((dir) => file.startsWith(dir)))).toEqual([]);
    expect(files).not.toContain(join(packageDir, '..', 'core', 'dist', 'node.js'));
  });
});

describe.each([
  ['ESM', 'serve.mjs'],
  ['CommonJS', 'serve.cjs'],
])('the built %s entry', (_format, file) => {
  it('verifies and routes a signed delivery in a Hono app, refuses a forged one', async () => {
    const esm = file.endsWith('.mjs');
    const load = (name: string) => (esm ? `await import('${name}')` : `require('${name}')`);
    const script = `(async () => {
  const { Hono } = ${load('hono')};
  const { composioWebhook, createWebhookRouter } = ${load('@composio-webhooks/hono')};
  const testing = ${load('@composio-webhooks/core/testing')};
  const seen = [];
  const router = createWebhookRouter().onAny((event) => { seen.push(event.type); });
  const app = new Hono();
  app.post('/hook', composioWebhook({ router, secret: 'pkg-secret', logger: false }));
  const send = async (key) => {
    const signed = await testing.signWebhook({ payload: testing.buildTriggerMessage(), secret: key });
    return (await app.request('/hook', { method: 'POST', headers: signed.headers, body: signed.body })).status;
  };
  console.log(JSON.stringify({ ok: await send('pkg-secret'), forged: await send('other'), seen }));
})();
`;
    mkdirSync(join(packageDir, '.tmp'), { recursive: true });
    const path = join(packageDir, '.tmp', `package-test-${process.pid}-${file}`);
    writeFileSync(path, script);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [path], { cwd: packageDir });
      expect(JSON.parse(stdout)).toEqual({
        ok: 200,
        forged: 401,
        seen: ['composio.trigger.message'],
      });
    } finally {
      rmSync(path, { force: true });
    }
  });
});
