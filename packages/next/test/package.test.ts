/**
 * The built package, as users get it: `import` and `require` by its real name give the App
 * Router handlers and the Pages Router route, and the App Router handler serves a signed
 * delivery. The Node-only body reader is not loaded until a Pages Router route is built (the
 * Edge runtime imports this package too; examples/nextjs builds and runs an Edge route).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireNextBuilt } from './support.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

beforeAll(requireNextBuilt);

it('package.json: ESM with CJS, types for both, Next.js 14–16 as a peer', () => {
  expect(pkg.exports['.']).toEqual({
    import: { types: './dist/index.d.ts', default: './dist/index.js' },
    require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
  });
  expect(pkg.peerDependencies).toEqual({ next: '^14.0.0 || ^15.0.0 || ^16.0.0' });
  expect(pkg.sideEffects).toBe(false);
});

it('the ESM entry imports no Node-only module statically', () => {
  const entry = readFileSync(join(packageDir, 'dist/index.js'), 'utf8');
  const statics = [...entry.matchAll(/^(?:import|export)[^'"]*from ['"]([^'"]+)['"]/gm)].map(
    (match) => match[1],
  );
  expect(
    statics.filter(
      (name) =>
        !/^(\.\/|@composio-webhooks\/(core|web)$|@composio-webhooks\/core\/(adapter|kit)$)/.test(
          name ?? '',
        ),
    ),
  ).toEqual([]);
  expect(entry).toContain("import('@composio-webhooks/core/node')");
});

describe.each([['serve.mjs'], ['serve.cjs']])('the built entry (%s)', (file) => {
  it('verifies an App Router delivery and builds a Pages Router route', async () => {
    const esm = file.endsWith('.mjs');
    const load = (name: string) => (esm ? `await import('${name}')` : `require('${name}')`);
    const script = `(async () => {
  const next = ${load('@composio-webhooks/next')};
  const testing = ${load('@composio-webhooks/core/testing')};
  const router = next.createWebhookRouter();
  const POST = next.composioWebhook({ router, secret: 'pkg-secret', logger: false });
  const signed = await testing.signWebhook({ payload: testing.buildTriggerMessage(), secret: 'pkg-secret' });
  const answer = await POST(new Request('http://x/', { method: 'POST', headers: signed.headers, body: signed.body }));
  const pages = next.composioApiRoute({ router, secret: 'pkg-secret' });
  console.log(JSON.stringify({ status: answer.status, pages: typeof pages, config: next.composioApiRoute.config }));
})();
`;
    mkdirSync(join(packageDir, '.tmp'), { recursive: true });
    const path = join(packageDir, '.tmp', `package-test-${process.pid}-${file}`);
    writeFileSync(path, script);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [path], { cwd: packageDir });
      expect(JSON.parse(stdout)).toEqual({
        status: 200,
        pages: 'function',
        config: { api: { bodyParser: false } },
      });
    } finally {
      rmSync(path, { force: true });
    }
  });
});
