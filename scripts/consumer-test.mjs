#!/usr/bin/env node
// Consumer test: packs every public package as a tarball (as `npm publish` would), installs the
// tarballs into a scratch ESM project and a scratch CommonJS project, and in each runs a real
// verification through every adapter (Express, Koa, Fastify, Nest on Express and Fastify over
// HTTP; the Web handler, Next.js's App Router handler and Hono on Web Requests), a forged delivery
// through each, and loads the client, the Redis store, the BullMQ inbox and the CLI bin (and runs
// its generate commands).
// Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll } from './lib/pack.mjs';

const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'composio-webhooks-consumer-'));
const tarballs = join(scratch, 'tarballs');
mkdirSync(tarballs);

const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

// 1. Pack every public package (pnpm rewrites workspace: ranges to real versions), from the build.
const packed = Object.fromEntries(
  [...packAll(tarballs)].map(([name, file]) => [name, `file:${file}`]),
);
console.log(`packed ${Object.keys(packed).length} packages into ${tarballs}`);

// Framework versions a consumer would install (the newest majors).
const frameworks = {
  express: '5.3.0',
  koa: '3.3.0',
  fastify: '5.12.8',
  '@nestjs/common': '12.5.1',
  '@nestjs/core': '12.5.1',
  '@nestjs/platform-express': '12.5.1',
  '@nestjs/platform-fastify': '12.5.0',
  'reflect-metadata': '0.2.2',
  rxjs: '7.8.2',
  ioredis: '5.9.2',
  bullmq: '6.7.0',
  hono: '4.13.19',
};

const testBody = `
const secret = 'consumer-test-secret';
const results = [];
const check = (name, condition) => {
  results.push(name);
  if (!condition) throw new Error('consumer test failed: ' + name);
};

async function post(url, signed) {
  const response = await fetch(url, { method: 'POST', body: signed.body, headers: signed.headers });
  return { status: response.status, body: await response.json() };
}

async function main() {
  const core = await load('@composio-webhooks/core');
  const testing = await load('@composio-webhooks/core/testing');
  const { signWebhook, buildTriggerMessage, buildConnectionExpired } = testing;
  check('core: WebhookEventType', core.WebhookEventType.CONNECTION_EXPIRED === 'composio.connected_account.expired');
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
  const delivery = await core.verifyWebhook({ payload: signed.body, headers: signed.headers, secret });
  check('core: verifyWebhook', delivery.event.metadata.trigger_slug === 'GITHUB_COMMIT_EVENT');
  const forged = await signWebhook({ payload: buildTriggerMessage(), secret: 'wrong' });

  const http = await load('node:http');
  const listen = (handler) => new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: 'http://127.0.0.1:' + server.address().port + '/webhooks/composio' }));
  });

  // Express
  {
    const express = (await load('express')).default ?? (await load('express'));
    const { composioWebhook, createWebhookRouter } = await load('@composio-webhooks/express');
    const seen = [];
    const router = createWebhookRouter().onTrigger('GITHUB_COMMIT_EVENT', (event) => { seen.push(event.data.author); });
    const app = express();
    app.post('/webhooks/composio', composioWebhook({ secret, router, logger: false }));
    const { server, url } = await listen(app);
    check('express: 200', (await post(url, await signWebhook({ payload: buildTriggerMessage(), secret }))).status === 200);
    check('express: handler ran', seen.join() === 'octocat');
    check('express: forged 401', (await post(url, forged)).status === 401);
    server.close();
  }

  // Koa
  {
    const KoaModule = await load('koa');
    const Koa = KoaModule.default ?? KoaModule;
    const { composioWebhook, createWebhookRouter } = await load('@composio-webhooks/koa');
    const seen = [];
    const router = createWebhookRouter().on('composio.connected_account.expired', (event) => { seen.push(event.data.toolkit.slug); });
    const app = new Koa();
    app.use(composioWebhook({ secret, router, logger: false }));
    const { server, url } = await listen(app.callback());
    check('koa: 200', (await post(url, await signWebhook({ payload: buildConnectionExpired(), secret }))).status === 200);
    check('koa: handler ran', seen.join() === 'gmail');
    check('koa: forged 401', (await post(url, forged)).status === 401);
    server.close();
  }

  // Fastify: router mode on the plugin's own route, and verify-only on the app's route
  {
    const FastifyModule = await load('fastify');
    const Fastify = FastifyModule.default ?? FastifyModule;
    const { composioWebhooks, createWebhookRouter } = await load('@composio-webhooks/fastify');
    const seen = [];
    const router = createWebhookRouter().on('composio.trigger.disabled', (event) => { seen.push(event.data.trigger_name); });
    const app = Fastify();
    await app.register(composioWebhooks, { secret, router, logger: false });
    await app.register(async (own) => {
      await own.register(composioWebhooks, { secret, logger: false });
      own.post('/own', { preParsing: own.verifyComposioWebhook }, async (request) => ({ type: request.composio.event.type }));
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = base + '/webhooks/composio';
    check('fastify: 200', (await post(url, await signWebhook({ payload: testing.buildTriggerDisabled(), secret }))).status === 200);
    check('fastify: handler ran', seen.length === 1);
    check('fastify: forged 401', (await post(url, forged)).status === 401);
    const own = await post(base + '/own', await signWebhook({ payload: buildConnectionExpired(), secret }));
    check('fastify: verify-only', own.body.type === 'composio.connected_account.expired');
    await app.close();
  }

  // Nest, decorators applied as functions (plain JavaScript), on both platforms
  await load('reflect-metadata');
  const { Module, Injectable } = await load('@nestjs/common');
  const { NestFactory } = await load('@nestjs/core');
  const { FastifyAdapter } = await load('@nestjs/platform-fastify');
  const nest = await load('@composio-webhooks/nest');
  for (const platform of ['express', 'fastify']) {
    const seen = [];
    class Handlers {
      expired(event) { seen.push(event.data.id); }
    }
    Injectable()(Handlers);
    nest.OnConnectionExpired()(Handlers.prototype, 'expired', Object.getOwnPropertyDescriptor(Handlers.prototype, 'expired'));
    class AppModule {}
    Module({ imports: [nest.ComposioWebhooksModule.forRoot({ secret, logger: false })], providers: [Handlers] })(AppModule);
    const app = platform === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), { rawBody: true, logger: false })
      : await NestFactory.create(AppModule, { rawBody: true, logger: false });
    await app.listen(0, '127.0.0.1');
    const url = 'http://127.0.0.1:' + app.getHttpServer().address().port + '/webhooks/composio';
    check('nest/' + platform + ': 200', (await post(url, await signWebhook({ payload: buildConnectionExpired(), secret }))).status === 200);
    check('nest/' + platform + ': handler ran', seen.join() === 'ca_your-connected-account-id');
    check('nest/' + platform + ': forged 401', (await post(url, forged)).status === 401);
    await app.close();
  }

  // Web handler (Request → Response), Next.js App Router + Pages Router, Hono
  {
    const web = await load('@composio-webhooks/web');
    const seen = [];
    const handler = web.composioWebhook({ secret, logger: false, router: web.createWebhookRouter().onAny((event) => { seen.push(event.type); }) });
    const send = async (signed) => (await handler(new Request('http://x/', { method: 'POST', body: signed.body, headers: signed.headers }))).status;
    check('web: 200', (await send(await signWebhook({ payload: buildTriggerMessage(), secret }))) === 200);
    check('web: handler ran', seen.join() === 'composio.trigger.message');
    check('web: forged 401', (await send(forged)) === 401);
    const next = await load('@composio-webhooks/next');
    const POST = next.composioWebhook({ secret, logger: false, router: next.createWebhookRouter() });
    const appRouter = await POST(new Request('http://x/', { method: 'POST', body: signed.body, headers: signed.headers }));
    check('next: App Router 200', appRouter.status === 200);
    check('next: Pages Router config', next.composioApiRoute.config.api.bodyParser === false);
    const { Hono } = await load('hono');
    const hono = await load('@composio-webhooks/hono');
    const app = new Hono();
    app.post('/webhooks/composio', hono.composioWebhook({ secret, logger: false, router: hono.createWebhookRouter() }));
    const viaHono = await app.request('/webhooks/composio', { method: 'POST', body: signed.body, headers: signed.headers });
    check('hono: 200', viaHono.status === 200);
    check('hono: forged 401', (await app.request('/webhooks/composio', { method: 'POST', body: forged.body, headers: forged.headers })).status === 401);
  }

  // AWS Lambda: an HTTP API (payload 2.0) event, base64-encoded, and an ALB event
  {
    const lambda = await load('@composio-webhooks/aws-lambda');
    const seen = [];
    const handler = lambda.composioWebhook({ secret, logger: false, router: lambda.createWebhookRouter().onAny((event) => { seen.push(event.type); }) });
    const fresh = await signWebhook({ payload: buildTriggerMessage(), secret });
    const v2 = await handler({ version: '2.0', headers: fresh.headers, body: Buffer.from(fresh.body).toString('base64'), isBase64Encoded: true, requestContext: { http: { method: 'POST' } } });
    check('aws-lambda: 200', v2.statusCode === 200);
    check('aws-lambda: handler ran', seen.join() === 'composio.trigger.message');
    const alb = await handler({ httpMethod: 'POST', headers: forged.headers, body: forged.body, requestContext: { elb: {} } });
    check('aws-lambda: forged 401 (ALB)', alb.statusCode === 401 && alb.statusDescription === '401 Unauthorized');
  }

  // Client, Redis store: load and construct
  const client = await load('@composio-webhooks/client');
  check('client: loads', typeof client.createSubscriptionsClient === 'function');
  const redis = await load('@composio-webhooks/redis');
  check('redis: loads', typeof redis.RedisIdempotencyStore === 'function');
  const bullmq = await load('@composio-webhooks/bullmq');
  check('bullmq: loads', typeof bullmq.createWebhookInbox === 'function');
  check('bullmq: job ids', bullmq.inboxJobId('msg_1') === 'msg_1');

  console.log(FORMAT + ': ' + results.length + ' checks passed (' + results.join(', ') + ')');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

function project(format) {
  const dir = join(scratch, format);
  mkdirSync(dir);
  const dependencies = { ...packed, ...frameworks };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `consumer-${format}`,
        private: true,
        type: format === 'esm' ? 'module' : 'commonjs',
        dependencies,
      },
      null,
      2,
    ),
  );
  // The adapters depend on @composio-webhooks/core by version: point every such range at the tarballs.
  const overrides = Object.entries(packed)
    .map(([name, spec]) => `  '${name}': '${spec}'`)
    .join('\n');
  writeFileSync(join(dir, 'pnpm-workspace.yaml'), `overrides:\n${overrides}\n`);
  const loader =
    format === 'esm'
      ? "const load = (name) => import(name);\nconst FORMAT = 'ESM (import)';\n"
      : "const load = async (name) => require(name);\nconst FORMAT = 'CommonJS (require)';\n";
  writeFileSync(join(dir, format === 'esm' ? 'test.mjs' : 'test.cjs'), loader + testBody);
  run(
    'pnpm',
    ['install', '--prefer-offline', '--ignore-scripts', '--config.confirmModulesPurge=false'],
    dir,
  );
  return dir;
}

let failed = false;
try {
  for (const format of ['esm', 'cjs']) {
    const dir = project(format);
    try {
      process.stdout.write(run('node', [format === 'esm' ? 'test.mjs' : 'test.cjs'], dir));
      const bin = run(join(dir, 'node_modules/.bin/composio-webhooks'), ['--version'], dir).trim();
      console.log(`${format}: composio-webhooks --version → ${bin}`);
      // The generators load their dependencies (json-schema-to-typescript, ajv) from the tarball's.
      const saved = join(root, 'fixtures/trigger-types/github.json');
      const cli = join(dir, 'node_modules/.bin/composio-webhooks');
      run(cli, ['generate', 'types', '--from-file', saved, '--out', 'triggers.d.ts'], dir);
      run(cli, ['generate', 'validators', '--from-file', saved, '--out', 'validators.mjs'], dir);
      const types = readFileSync(join(dir, 'triggers.d.ts'), 'utf8');
      const checked = run(
        'node',
        [
          '--input-type=module',
          '-e',
          "const { triggerValidators: v } = await import('./validators.mjs'); console.log(v.GITHUB_COMMIT_EVENT.validate({ author: 1 }) ? 'valid' : 'invalid');",
        ],
        dir,
      ).trim();
      if (
        !types.includes('GITHUB_PULL_REQUEST_EVENT: GITHUB_PULL_REQUEST_EVENT.Payload;') ||
        checked !== 'invalid'
      ) {
        throw new Error(
          `generate types/validators from the tarball gave unexpected output (${checked})`,
        );
      }
      console.log(`${format}: composio-webhooks generate types and validators work`);
    } catch (error) {
      failed = true;
      console.error(
        `✗ ${format} consumer failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`,
      );
    }
  }
} finally {
  if (!failed) rmSync(scratch, { recursive: true, force: true });
  else console.error(`(scratch projects kept in ${scratch})`);
}
process.exit(failed ? 1 : 0);
