/**
 * The built package, as users get it: ESM `import` and CommonJS `require` of
 * `@composio-webhooks/nest` by its name on Node, with Nest 11 (CommonJS) and Nest 12 (ESM only,
 * so the CommonJS build reaches it through `require(esm)`), on the Express and Fastify platforms,
 * over a real port. Runs against `dist/`: build first (`pnpm --filter @composio-webhooks/nest
 * build`, which needs core built).
 *
 * Each major's copy of the package sits in `test-nest<major>/.tmp/node_modules`, so its
 * `@nestjs/*` imports resolve to that test package's Nest, as in a user's app.
 */
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const coreDir = join(packageDir, '..', 'core');
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

function workDirOf(major: number): string {
  return join(packageDir, `test-nest${major}`, '.tmp', `package-test-${process.pid}`);
}

beforeAll(() => {
  for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
    if (!existsSync(join(packageDir, 'dist', file))) {
      throw new Error(
        `dist/${file} is missing: run \`pnpm --filter @composio-webhooks/nest build\` before the packaging tests.`,
      );
    }
  }
  if (!existsSync(join(coreDir, 'dist', 'index.js'))) {
    throw new Error(
      'packages/core/dist is missing: run `pnpm --filter @composio-webhooks/core build`.',
    );
  }
  for (const major of [11, 12]) {
    const scope = join(workDirOf(major), 'node_modules', '@composio-webhooks');
    const copy = join(scope, 'nest');
    mkdirSync(copy, { recursive: true });
    cpSync(join(packageDir, 'package.json'), join(copy, 'package.json'));
    cpSync(join(packageDir, 'dist'), join(copy, 'dist'), { recursive: true });
    symlinkSync(coreDir, join(scope, 'core'), 'dir');
  }
});

afterAll(() => {
  for (const major of [11, 12]) rmSync(workDirOf(major), { recursive: true, force: true });
});

describe('package.json', () => {
  it('is an ESM package without side effects, Nest 11 and 12 as peers', () => {
    expect(pkg.name).toBe('@composio-webhooks/nest');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toEqual(['dist', 'README.md']);
    expect(pkg.engines.node).toBe('>=20.19');
    expect(pkg.peerDependencies).toEqual({
      '@nestjs/common': '^11.0.0 || ^12.0.0',
      '@nestjs/core': '^11.0.0 || ^12.0.0',
      'reflect-metadata': '^0.1.12 || ^0.2.0',
    });
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

// Plain JavaScript: decorators are applied by hand, as compiled TypeScript does.
const script = `
const secret = 'package-test-secret';
const { Controller, HttpCode, Injectable, Module, Post, UseGuards } = common;
const seen = [];
class Handlers { commit(event) { seen.push(event.id); } }
Injectable()(Handlers);
OnTriggerMessage('GITHUB_COMMIT_EVENT')(Handlers.prototype, 'commit', Object.getOwnPropertyDescriptor(Handlers.prototype, 'commit'));
class Hooks { handle(id) { return { guarded: id }; } }
const handle = Object.getOwnPropertyDescriptor(Hooks.prototype, 'handle');
ComposioDelivery('id')(Hooks.prototype, 'handle', 0);
for (const decorator of [Post(), HttpCode(200), UseGuards(ComposioWebhookGuard)]) decorator(Hooks.prototype, 'handle', handle);
Controller('hooks')(Hooks);
class AppModule {}
Module({ imports: [ComposioWebhooksModule.forRoot({ secret, logger: false })], providers: [Handlers], controllers: [Hooks] })(AppModule);

async function post(url, signed) {
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  return [response.status, await response.json()];
}
(async () => {
  const results = { core: coreVersion };
  for (const [name, adapter] of [['express', () => new ExpressAdapter()], ['fastify', () => new FastifyAdapter()]]) {
    const app = await NestFactory.create(AppModule, adapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    try {
      const event = testing.buildTriggerMessage();
      const signed = await testing.signWebhook({ payload: event, secret });
      const forged = await testing.signWebhook({ payload: event, secret: 'wrong' });
      const guardedEvent = testing.buildTriggerMessage();
      const guarded = await testing.signWebhook({ payload: guardedEvent, secret });
      results[name] = {
        route: await post(base + '/webhooks/composio', signed),
        forged: await post(base + '/webhooks/composio', forged),
        guard: await post(base + '/hooks', guarded),
        handled: seen.includes(event.id),
        guardedId: guardedEvent.id,
      };
    } finally {
      await app.close();
    }
  }
  console.log(JSON.stringify(results));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const esm = `
import 'reflect-metadata';
import * as common from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as testing from '@composio-webhooks/core/testing';
import { ComposioDelivery, ComposioWebhookGuard, ComposioWebhooksModule, OnTriggerMessage } from '@composio-webhooks/nest';
import { createRequire } from 'node:module';
const coreVersion = createRequire(import.meta.url)('@nestjs/core/package.json').version;
${script}`;

const cjs = `
require('reflect-metadata');
const common = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const testing = require('@composio-webhooks/core/testing');
const { ComposioDelivery, ComposioWebhookGuard, ComposioWebhooksModule, OnTriggerMessage } = require('@composio-webhooks/nest');
const coreVersion = require('@nestjs/core/package.json').version;
${script}`;

describe.each([11, 12])('Nest %i', (major) => {
  it.each([
    ['ESM import', 'run.mjs', esm],
    ['CommonJS require', 'run.cjs', cjs],
  ])('%s: both platforms serve the route and the guard', async (_mode, file, source) => {
    const workDir = workDirOf(major);
    writeFileSync(join(workDir, file), source);
    const { stdout } = await run(process.execPath, [file], { cwd: workDir, timeout: 60_000 });
    const results = JSON.parse(stdout.trim().split('\n').pop() as string);
    expect(results.core).toMatch(new RegExp(`^${major}\\.`));
    for (const platform of ['express', 'fastify']) {
      const result = results[platform];
      expect(result.route[0]).toBe(200);
      expect(result.route[1]).toMatchObject({ ok: true });
      expect(result.handled).toBe(true);
      expect(result.forged).toEqual([
        401,
        { ok: false, error: { code: 'INVALID_SIGNATURE', message: expect.any(String) } },
      ]);
      expect(result.guard).toEqual([200, { guarded: result.guardedId }]);
    }
  });
});

const declarations = `
import 'reflect-metadata';
import type { ComposioEvent, ConnectionExpiredEvent, TriggerMessageEvent } from '@composio-webhooks/core';
import {
  ComposioDelivery,
  ComposioWebhookGuard,
  ComposioWebhooksModule,
  ComposioWebhooksService,
  OnAnyComposioEvent,
  OnConnectionExpired,
  OnTriggerMessage,
} from '@composio-webhooks/nest';
import { Controller, Injectable, Module, Post, UseGuards, type DynamicModule } from '@nestjs/common';

// The README's augmentation: through this package, it types trigger data everywhere.
declare module '@composio-webhooks/nest' {
  interface TriggerPayloads {
    GITHUB_COMMIT_EVENT: { author: string };
  }
}

@Injectable()
export class Handlers {
  constructor(readonly webhooks: ComposioWebhooksService) {}
  @OnTriggerMessage('GITHUB_COMMIT_EVENT')
  commit(event: TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>): string {
    // @ts-expect-error not a field of the augmented GITHUB_COMMIT_EVENT data
    event.data.nope;
    return event.data.author;
  }
  @OnConnectionExpired()
  expired(event: ConnectionExpiredEvent): string {
    return event.data.toolkit.slug;
  }
  // @ts-expect-error the decorator checks the parameter through the published declarations
  @OnConnectionExpired()
  wrong(event: TriggerMessageEvent): string {
    return event.id;
  }
  @OnAnyComposioEvent()
  any(event: ComposioEvent): void {}
}

@Controller('hooks')
export class Hooks {
  @Post()
  @UseGuards(ComposioWebhookGuard)
  handle(@ComposioDelivery('id') id: string): string {
    return id;
  }
}

const modules: DynamicModule[] = [
  ComposioWebhooksModule.forRoot({ secret: 's', path: '/hooks/composio', tolerance: 60 }),
  ComposioWebhooksModule.forRootAsync({
    inject: ['CONFIG'],
    useFactory: (config: { secret: string }) => ({ secret: config.secret }),
    path: false,
  }),
];
@Module({ imports: [modules[0] as DynamicModule], providers: [Handlers], controllers: [Hooks] })
export class AppModule {}
`;

describe.each([11, 12])('declarations with Nest %i types', (major) => {
  it.each([
    ['NodeNext', 'NodeNext', 'NodeNext'],
    ['bundler', 'ESNext', 'Bundler'],
  ])('compile a decorated app under %s resolution', async (_name, module, moduleResolution) => {
    const workDir = workDirOf(major);
    const dir = join(workDir, `types-${moduleResolution}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'app.ts'), declarations);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module,
          moduleResolution,
          strict: true,
          noEmit: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['app.ts'],
      }),
    );
    const tsc = join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  });
});

const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
const README_APPS = [
  ['Express', snippets[0] as string],
  ['Fastify', snippets.find((snippet) => snippet.includes('new FastifyAdapter()')) as string],
] as const;

describe.each([11, 12])('the README snippets with Nest %i', (major) => {
  it.each(README_APPS)(
    '%s: compiles with tsc and serves signed deliveries, 200 KB ones included',
    async (platform, snippet) => {
      expect(snippet).toContain('ComposioWebhooksModule.forRoot()');
      const dir = join(workDirOf(major), `readme-${platform}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      writeFileSync(join(dir, 'main.ts'), snippet as string);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            skipLibCheck: true,
            outDir: 'dist',
            types: ['node'],
            typeRoots: [join(packageDir, '..', '..', 'node_modules', '@types')],
          },
          files: ['main.ts'],
        }),
      );
      const tsc = join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
      await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch((error) => {
        throw new Error(`the README snippet does not compile:\n${error.stdout}`);
      });

      const port =
        21_000 + major * 100 + (platform === 'Express' ? 0 : 50) + Math.floor(Math.random() * 50);
      const secret = 'readme-secret';
      const child = spawn(process.execPath, ['dist/main.js'], {
        cwd: dir,
        env: { ...process.env, COMPOSIO_WEBHOOK_SECRET: secret, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      try {
        const testing = await import('@composio-webhooks/core/testing');
        const post = async (payload: unknown) => {
          const { body, headers } = await testing.signWebhook({ payload, secret });
          return fetch(`http://127.0.0.1:${port}/webhooks/composio`, {
            method: 'POST',
            headers,
            body,
          });
        };
        const started = Date.now();
        let first: Response | undefined;
        const commit = testing.buildTriggerMessage();
        while (!first) {
          first = await post(commit).catch(async () => {
            if (Date.now() - started > 30_000 || child.exitCode !== null) {
              throw new Error(`the README app did not start:\n${output}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
            return undefined;
          });
        }
        expect(first.status).toBe(200);
        expect(await first.json()).toEqual({ ok: true, id: commit.id });
        const large = testing.buildTriggerMessage({
          slug: 'GMAIL_NEW_GMAIL_MESSAGE',
          data: { body: 'x'.repeat(200 * 1024) },
        });
        expect((await post(large)).status).toBe(200);
        // The module, not the platform's parser, answers a malformed body.
        const malformed = await post('{"id": "msg_1", ');
        expect(malformed.status).toBe(400);
        expect(await malformed.json()).toMatchObject({ error: { code: 'INVALID_PAYLOAD' } });
        if (platform === 'Express') {
          const expired = testing.buildConnectionExpired({
            accountId: 'ca_readme',
            toolkit: 'gmail',
          });
          expect((await post(expired)).status).toBe(200);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(output).toContain('new commit');
        if (platform === 'Express') {
          expect(output).toContain('ask the owner of ca_readme to reconnect gmail');
        }
      } finally {
        child.kill();
      }
    },
  );
});
