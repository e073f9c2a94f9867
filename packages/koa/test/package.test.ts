/**
 * The built package, as users get it: ESM `import` and CommonJS `require` by its real name on
 * Node, driving real Koa 2 and Koa 3 servers, and its declarations under NodeNext and bundler
 * resolution with @types/koa 3 and 2. Runs against `dist/`: build first
 * (`pnpm --filter @composio-webhooks/koa build`, which needs core built).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageScratch } from '@composio-webhooks/test-runtimes';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const { packageDir, workDir, write, node } = packageScratch(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

describe('package.json', () => {
  it('is an ESM package without side effects, Koa 2 and 3 as peers', () => {
    expect(pkg.name).toBe('@composio-webhooks/koa');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toEqual(['dist', 'README.md']);
    expect(pkg.peerDependencies.koa).toBe('^2.13.0 || ^3.0.0');
    expect(pkg.dependencies['@composio-webhooks/core']).toBe('workspace:^');
    expect(pkg.exports['.'].import).toEqual({
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
    expect(pkg.exports['.'].require).toEqual({
      types: './dist/index.d.cts',
      default: './dist/index.cjs',
    });
  });
});

describe('Node loads the built package by name', () => {
  // Both modes on both Koa majors, over a real port.
  const script = (load: string) => `
${load}
const secret = 'package-test-secret';
async function post(app, signed) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch('http://127.0.0.1:' + server.address().port + '/webhooks/composio', {
      method: 'POST', headers: signed.headers, body: signed.body,
    });
    return [response.status, await response.json()];
  } finally {
    server.close();
  }
}
const results = {};
for (const [name, Koa] of [['koa2', Koa2], ['koa3', Koa3]]) {
  const seen = [];
  const router = koa.createWebhookRouter().onTrigger('GITHUB_COMMIT_EVENT', (event) => { seen.push(event.id); });
  const answering = new Koa().use(koa.composioWebhook({ router, secret, path: '/webhooks/composio', logger: false }));
  const verifying = new Koa()
    .use(koa.composioWebhook({ secret, logger: false }))
    .use((ctx) => { ctx.body = { type: ctx.state.composio.event.type }; });
  const event = testing.buildTriggerMessage();
  const signed = await testing.signWebhook({ payload: event, secret });
  const forged = { ...signed, body: signed.body.replace('octocat', 'mallory') };
  results[name] = {
    answered: await post(answering, signed),
    forged: await post(answering, forged),
    verified: await post(verifying, await testing.signWebhook({ payload: testing.buildConnectionExpired(), secret })),
    seen: seen.length === 1 && seen[0] === event.id,
  };
}
console.log(JSON.stringify(results));
`;

  const expected = {
    answered: [200, { ok: true, id: expect.stringMatching(/^msg_/) }],
    forged: [401, { ok: false, error: expect.objectContaining({ code: 'INVALID_SIGNATURE' }) }],
    verified: [200, { type: 'composio.connected_account.expired' }],
    seen: true,
  };

  it.each([
    [
      'ESM import',
      'esm.mjs',
      `import * as koa from '@composio-webhooks/koa';
import * as testing from '@composio-webhooks/core/testing';
import Koa3 from 'koa';
import Koa2 from 'koa2';`,
    ],
    [
      'CommonJS require',
      'cjs.cjs',
      `const koa = require('@composio-webhooks/koa');
const testing = require('@composio-webhooks/core/testing');
const Koa3 = require('koa');
const Koa2 = require('koa2');
(async () => {`,
    ],
  ])(
    '%s serves deliveries on Koa 2 and Koa 3',
    async (_name, file, load) => {
      const body = file.endsWith('.cjs') ? `${script(load)}})();` : script(load);
      expect(await node(write(file, body))).toEqual({ koa2: expected, koa3: expected });
    },
    30_000,
  );
});

describe('type declarations', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

  const consumer = (load: string) => `${load}

export const app = new Koa();
app.use(composioWebhook({ router: createWebhookRouter(), secret: 's', path: '/webhooks/composio' }));

export const routes = new Koa()
  .use(composioWebhook({ secret: 's' }))
  .use((ctx) => {
    const delivery: WebhookDelivery = ctx.state.composio;
    if (delivery.event.type === WebhookEventType.CONNECTION_EXPIRED) {
      ctx.body = { toolkit: delivery.event.data.toolkit.slug };
    }
  });

export const anywhere: Koa.Middleware = (ctx) => {
  const maybe: WebhookDelivery | undefined = ctx.state.composio;
  ctx.body = maybe?.id ?? 'none';
};

// \`declare module '@composio-webhooks/koa'\` augments the TriggerPayloads the adapter re-exports.
declare module '@composio-webhooks/koa' {
  interface TriggerPayloads {
    KOA_AUGMENTED_EVENT: { fromKoa: string };
  }
}
export const augmented = createWebhookRouter().onTrigger('KOA_AUGMENTED_EVENT', (event) => {
  const value: string = event.data.fromKoa;
  // @ts-expect-error the declared payload has no other field
  const missing: string = event.data.other;
  return [value, missing];
});
`;

  const imports = `import Koa = require('koa');
import {
  WebhookEventType,
  composioWebhook,
  createWebhookRouter,
  type WebhookDelivery,
} from '@composio-webhooks/koa';`;
  const esmImports = imports.replace("import Koa = require('koa');", "import Koa from 'koa';");

  async function typecheck(name: string, options: Record<string, unknown>, files: string[]) {
    const dir = join(workDir, name);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          esModuleInterop: true,
          target: 'ES2022',
          lib: ['ES2023'],
          types: ['node'],
          ...options,
        },
        files,
      }),
    );
    return run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
      cwd: dir,
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`tsc failed for ${name}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
  }

  function files(name: string, contents: Record<string, string>): string[] {
    mkdirSync(join(workDir, name), { recursive: true });
    for (const [file, text] of Object.entries(contents))
      writeFileSync(join(workDir, name, file), text);
    return Object.keys(contents);
  }

  // One program per format: a program holding both sees the `koa` augmentation twice, once
  // with the ESM and once with the CJS copy of WebhookDelivery (every dual package that augments framework types does).
  it.each([
    ['ESM (.mts)', 'consumer.mts', esmImports],
    ['CommonJS (.cts)', 'consumer.cts', imports],
  ])(
    'type-check a %s consumer under NodeNext',
    async (_name, file, load) => {
      const dir = `types-node-${file.slice(-3)}`;
      const names = files(dir, { [file]: consumer(load) });
      await typecheck(dir, { module: 'NodeNext', moduleResolution: 'NodeNext' }, names);
    },
    60_000,
  );

  it('type-check a bundler consumer with @types/koa 3 and with @types/koa 2', async () => {
    const names = files('types-bundler', { 'consumer.ts': consumer(esmImports) });
    const bundler = { module: 'ESNext', moduleResolution: 'Bundler' };
    await typecheck('types-bundler', bundler, names);
    await typecheck(
      'types-bundler',
      { ...bundler, baseUrl: '.', paths: { koa: [join(packageDir, 'node_modules/types-koa2')] } },
      names,
    );
  }, 60_000);

  it('the checks have teeth: a wrong use fails to compile', async () => {
    const names = files('types-wrong', {
      'consumer.mts': `${consumer(esmImports)}
composioWebhook({ secret: 's', path: 42 });
`,
    });
    await expect(
      typecheck('types-wrong', { module: 'NodeNext', moduleResolution: 'NodeNext' }, names),
    ).rejects.toThrow(/consumer\.mts/);
  }, 60_000);
});
