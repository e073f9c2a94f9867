/**
 * The built package, as users get it: `import` from ESM and `require` from CommonJS on Node, by
 * its real name (self-reference through `exports`), and its type declarations under NodeNext and
 * bundler resolution. Runs against `dist/`: build first (`pnpm --filter @composio-webhooks/core build`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(packageDir, 'dist');
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
// Inside the package folder, so `@composio-webhooks/core` resolves to this package by its name.
const workDir = join(packageDir, '.tmp', `package-test-${process.pid}`);

type ExportEntry = Record<'import' | 'require', Record<'types' | 'default', string>>;
const entryPoints = Object.entries(pkg.exports as Record<string, ExportEntry | string>).filter(
  (entry): entry is [string, ExportEntry] => typeof entry[1] === 'object',
);
const specifier = (subpath: string) =>
  subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;

async function node(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [file], { cwd: packageDir, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

function write(name: string, text: string): string {
  const file = join(workDir, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  if (!existsSync(join(distDir, 'index.js')) || !existsSync(join(distDir, 'index.cjs'))) {
    throw new Error(
      `${distDir} is missing: run \`pnpm --filter @composio-webhooks/core build\` before the packaging tests.`,
    );
  }
  mkdirSync(workDir, { recursive: true });
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('package.json', () => {
  it('is an ESM package without side effects, with types for both formats', () => {
    expect(pkg.name).toBe('@composio-webhooks/core');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['./package.json']).toBe('./package.json');
    expect(entryPoints.map(([subpath]) => subpath)).toEqual(
      expect.arrayContaining(['.', './kit', './adapter', './testing']),
    );
    for (const file of [pkg.main, pkg.module, pkg.types]) {
      expect(existsSync(join(packageDir, file)), file).toBe(true);
    }
  });

  it.each(entryPoints)(
    'exports %s: import and require conditions, types first, files exist',
    (_s, entry) => {
      for (const condition of ['import', 'require'] as const) {
        const target = entry[condition];
        // `types` must come first or TypeScript never sees it.
        expect(Object.keys(target)).toEqual(['types', 'default']);
        for (const file of Object.values(target)) {
          expect(existsSync(join(packageDir, file)), file).toBe(true);
        }
      }
      expect(entry.import.default).toMatch(/\.js$/);
      expect(entry.import.types).toMatch(/\.d\.ts$/);
      expect(entry.require.default).toMatch(/\.cjs$/);
      expect(entry.require.types).toMatch(/\.d\.cts$/);
    },
  );
});

describe('Node loads the built package by name', () => {
  const deliveryScript = (load: string, resolve: string) => `
${load}
const secret = 'package-test-secret';
const event = testing.buildTriggerMessage();
const { body, headers } = await testing.signWebhook({ payload: event, secret });
const oneShot = await core.verifyWebhook({ payload: Buffer.from(body), headers, secret });
const verifier = core.createWebhookVerifier({ secret });
const reused = await verifier.verify(body, headers);
let forged;
try {
  await verifier.verify(body.replace('octocat', 'mallory'), headers);
} catch (error) {
  forged = {
    code: error.code,
    status: error.status,
    isWebhookError: core.isWebhookError(error),
    instance: error instanceof core.WebhookVerificationError,
  };
}
let config;
try {
  core.createWebhookVerifier({ secret: '' });
} catch (error) {
  config = error.code;
}
console.log(JSON.stringify({
  resolved: ${resolve},
  eventId: event.id,
  oneShot: [oneShot.id, oneShot.version, oneShot.event.type, oneShot.event.metadata.trigger_slug],
  reused: reused.id,
  forged,
  config,
  sameSigner: core.signWebhook === testing.signWebhook,
  eventTypes: core.WebhookEventType,
}));
`;

  function expectDelivered(result: Record<string, unknown>) {
    expect(result.oneShot).toEqual([
      result.eventId,
      'V3',
      'composio.trigger.message',
      'GITHUB_COMMIT_EVENT',
    ]);
    expect(result.reused).toBe(result.eventId);
    expect(result.forged).toEqual({
      code: 'INVALID_SIGNATURE',
      status: 401,
      isWebhookError: true,
      instance: true,
    });
    expect(result.config).toBe('INVALID_CONFIG');
    expect(result.sameSigner).toBe(true);
    expect(result.eventTypes).toEqual({
      TRIGGER_MESSAGE: 'composio.trigger.message',
      CONNECTION_EXPIRED: 'composio.connected_account.expired',
      TRIGGER_DISABLED: 'composio.trigger.disabled',
    });
  }

  it('import() from an ESM file, with /testing', async () => {
    const file = write(
      'consumer.mjs',
      deliveryScript(
        `const core = await import('@composio-webhooks/core');
const testing = await import('@composio-webhooks/core/testing');`,
        "[import.meta.resolve('@composio-webhooks/core'), import.meta.resolve('@composio-webhooks/core/testing')]",
      ),
    );
    const result = await node(file);
    expect(result.resolved).toEqual([
      expect.stringMatching(/\/dist\/index\.js$/),
      expect.stringMatching(/\/dist\/testing\.js$/),
    ]);
    expectDelivered(result);
  });

  it('require() from a CommonJS file, with /testing', async () => {
    const file = write(
      'consumer.cjs',
      `(async () => {
${deliveryScript(
  `const core = require('@composio-webhooks/core');
const testing = require('@composio-webhooks/core/testing');`,
  "[require.resolve('@composio-webhooks/core'), require.resolve('@composio-webhooks/core/testing')]",
)}
})().catch((error) => { console.error(error); process.exit(1); });`,
    );
    const result = await node(file);
    expect(result.resolved).toEqual([
      expect.stringMatching(/\/dist\/index\.cjs$/),
      expect.stringMatching(/\/dist\/testing\.cjs$/),
    ]);
    expectDelivered(result);
  });

  it('every entry point loads both ways with the same export names', async () => {
    const subpaths = entryPoints.map(([subpath]) => specifier(subpath));
    const file = write(
      'entries.cjs',
      `(async () => {
  const out = {};
  for (const name of ${JSON.stringify(subpaths)}) {
    const cjs = Object.keys(require(name)).filter((k) => k !== '__esModule').sort();
    const esm = Object.keys(await import(name)).filter((k) => k !== 'default' && k !== 'module.exports').sort();
    out[name] = { cjs, esm };
  }
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });`,
    );
    const result = (await node(file)) as Record<string, { cjs: string[]; esm: string[] }>;
    for (const name of subpaths) {
      const entry = result[name] as { cjs: string[]; esm: string[] };
      expect(entry.esm.length, name).toBeGreaterThan(0);
      expect(entry.cjs, name).toEqual(entry.esm);
    }
    expect(result[pkg.name]?.esm).toEqual(
      expect.arrayContaining([
        'verifyWebhook',
        'createWebhookVerifier',
        'signWebhook',
        'isWebhookError',
        'WebhookError',
        'WebhookVerificationError',
        'WebhookPayloadError',
        'WebhookConfigError',
        'ComposioEventType',
        'WebhookEventType',
      ]),
    );
    expect(result[`${pkg.name}/testing`]?.esm).toEqual(
      expect.arrayContaining(['signWebhook', 'buildTriggerMessage', 'buildConnectionExpired']),
    );
  });

  it('isWebhookError recognizes errors across the ESM and CJS copies in one process', async () => {
    const file = write(
      'dual.cjs',
      `(async () => {
  const cjs = require('@composio-webhooks/core');
  const esm = await import('@composio-webhooks/core');
  const fromEsm = new esm.WebhookVerificationError('INVALID_SIGNATURE', 'x');
  const fromCjs = new cjs.WebhookPayloadError('x');
  console.log(JSON.stringify({
    distinctClasses: cjs.WebhookError !== esm.WebhookError,
    cjsSeesEsm: cjs.isWebhookError(fromEsm),
    esmSeesCjs: esm.isWebhookError(fromCjs),
    instanceAcross: fromEsm instanceof cjs.WebhookError,
    plainError: cjs.isWebhookError(new Error('x')) || esm.isWebhookError({ code: 'INVALID_SIGNATURE' }),
  }));
})().catch((error) => { console.error(error); process.exit(1); });`,
    );
    expect(await node(file)).toEqual({
      distinctClasses: true,
      cjsSeesEsm: true,
      esmSeesCjs: true,
      instanceAcross: false,
      plainError: false,
    });
  });

  it('the built CJS errors are recognized by the ESM sources (this test process)', async () => {
    const { isWebhookError, WebhookError } = await import('../src/errors.js');
    const built = createRequire(import.meta.url)(join(distDir, 'index.cjs'));
    const error = new built.WebhookVerificationError('INVALID_SIGNATURE', 'x');
    expect(error).not.toBeInstanceOf(WebhookError);
    expect(isWebhookError(error)).toBe(true);
    expect(built.isWebhookError(new WebhookError('HANDLER_FAILED', 'x'))).toBe(true);
  });
});

describe('type declarations', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

  const consumer = (load: string) => `${load}

declare module '@composio-webhooks/core' {
  interface TriggerPayloads {
    PACKAGE_TEST_EVENT: { count: number };
  }
}

export async function check(body: string, headers: Record<string, string>): Promise<number> {
  const delivery = await verifyWebhook({ payload: body, headers, secret: 's' });
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret: 's' });
  await createWebhookVerifier({ secret: ['a', 'b'] }).verify(signed.body, signed.headers);
  const event = delivery.event;
  if (event.type === WebhookEventType.TRIGGER_MESSAGE) {
    const typed = event as TriggerMessageEvent<'PACKAGE_TEST_EVENT'>;
    const count: number = typed.data.count;
    // @ts-expect-error the augmentation typed count as a number
    const wrong: string = typed.data.count;
    void wrong;
    return count;
  }
  if (event.type === WebhookEventType.CONNECTION_EXPIRED) return event.data.toolkit.slug.length;
  const error: unknown = new Error('x');
  return isWebhookError(error) ? error.status : 0;
}
`;

  async function typecheck(name: string, options: Record<string, unknown>, files: string[]) {
    const dir = join(workDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: true,
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

  const imports = `import {
  createWebhookVerifier,
  isWebhookError,
  type TriggerMessageEvent,
  verifyWebhook,
  WebhookEventType,
} from '@composio-webhooks/core';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';`;

  it('resolve and type-check for ESM (.mts) and CommonJS (.cts) consumers under NodeNext, augmentation by package name included', async () => {
    mkdirSync(join(workDir, 'types-node'), { recursive: true });
    writeFileSync(join(workDir, 'types-node', 'consumer.mts'), consumer(imports));
    writeFileSync(join(workDir, 'types-node', 'consumer.cts'), consumer(imports));
    // skipLibCheck: false, so the emitted .d.ts and .d.cts files are checked themselves.
    await typecheck(
      'types-node',
      { module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: false },
      ['consumer.mts', 'consumer.cts'],
    );
  }, 60_000);

  it('resolve and type-check for a bundler consumer', async () => {
    mkdirSync(join(workDir, 'types-bundler'), { recursive: true });
    writeFileSync(join(workDir, 'types-bundler', 'consumer.ts'), consumer(imports));
    await typecheck('types-bundler', { module: 'ESNext', moduleResolution: 'Bundler' }, [
      'consumer.ts',
    ]);
  }, 60_000);

  it('the checks have teeth: a wrong use fails to compile', async () => {
    mkdirSync(join(workDir, 'types-wrong'), { recursive: true });
    writeFileSync(
      join(workDir, 'types-wrong', 'consumer.mts'),
      `${consumer(imports)}
// a parsed object is not a raw body
verifyWebhook({ payload: { id: 'x' }, headers: {}, secret: 's' });
`,
    );
    await expect(
      typecheck('types-wrong', { module: 'NodeNext', moduleResolution: 'NodeNext' }, [
        'consumer.mts',
      ]),
    ).rejects.toThrow(/consumer\.mts/);
  }, 60_000);
});
