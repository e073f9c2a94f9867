/**
 * The built package, as users get it: what its ESM entry loads contains no Node built-in (a Web
 * runtime bundler sees only the package and core's Web-safe entries, never core/node or
 * raw-body), and `import`/`require` by its real name serve a signed delivery. Runs against
 * `dist/`: build first (`pnpm --filter @composio-webhooks/web build`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { webImports } from '@composio-webhooks/test-runtimes';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireWebBuilt } from './support.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

beforeAll(requireWebBuilt);

describe('package.json', () => {
  it('is an ESM package with CJS, types for both formats, and only core as a dependency', () => {
    expect(pkg.name).toBe('@composio-webhooks/web');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(pkg.dependencies).toEqual({ '@composio-webhooks/core': 'workspace:^' });
  });
});

describe('what a Web runtime loads', () => {
  it('the ESM entry and everything it imports has no Node built-in', async () => {
    const { builtins, files, specifiers } = await webImports(join(packageDir, 'dist/index.js'));
    expect(builtins).toEqual([]);
    // The package and core's Web-safe chunks; never core's Node entry or raw-body.
    const coreDist = join(packageDir, '..', 'core', 'dist');
    const outside = files.filter(
      (file) => !file.startsWith(join(packageDir, 'dist')) && !file.startsWith(coreDist),
    );
    expect(outside).toEqual([]);
    expect(files).not.toContain(join(coreDist, 'node.js'));
    expect(specifiers).toContain('@composio-webhooks/core/adapter');
  });
});

describe.each([
  [
    'ESM',
    'serve.mjs',
    "import { composioWebhook, createWebhookRouter } from '@composio-webhooks/web';",
  ],
  [
    'CommonJS',
    'serve.cjs',
    "const { composioWebhook, createWebhookRouter } = require('@composio-webhooks/web');",
  ],
])('the built %s entry', (_format, file, load) => {
  it('verifies and routes a signed delivery, refuses a forged one', async () => {
    const script = `${load}
const testing = ${file.endsWith('.mjs') ? "await import('@composio-webhooks/core/testing')" : "require('@composio-webhooks/core/testing')"};
const main = async () => {
  const seen = [];
  const router = createWebhookRouter().onAny((event) => { seen.push(event.type); });
  const handler = composioWebhook({ router, secret: 'pkg-secret', logger: false });
  const send = async (key) => {
    const signed = await testing.signWebhook({ payload: testing.buildTriggerMessage(), secret: key });
    return (await handler(new Request('http://x/', { method: 'POST', headers: signed.headers, body: signed.body }))).status;
  };
  console.log(JSON.stringify({ ok: await send('pkg-secret'), forged: await send('other'), seen }));
};
main();
`;
    const path = join(packageDir, '.tmp', `package-test-${process.pid}-${file}`);
    mkdirSync(join(packageDir, '.tmp'), { recursive: true });
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
