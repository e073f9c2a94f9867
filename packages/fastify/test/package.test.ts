import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageScratch } from '@composio-webhooks/test-runtimes';
import { describe, expect, it } from 'vitest';

const { packageDir, write, node, typecheck } = packageScratch(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

describe('package.json', () => {
  it('is an ESM package with CJS, types for both formats, and Fastify 4 and 5 as peers', () => {
    expect(pkg.name).toBe('@composio-webhooks/fastify');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(pkg.files).toEqual(['dist', 'README.md']);
    expect(pkg.peerDependencies.fastify).toBe('^4.10.0 || ^5.0.0');
    expect(pkg.dependencies['fastify-plugin']).toMatch(/^\^5\./);
    expect(pkg.dependencies['@composio-webhooks/core']).toBe('workspace:^');
  });
});

/** A script that serves the plugin on a real port and delivers signed events to it. */
function serveScript(format: 'esm' | 'cjs', fastifyName: 'fastify' | 'fastify4'): string {
  const imports =
    format === 'esm'
      ? `import Fastify from '${fastifyName}';
import { composioWebhooks, createWebhookRouter } from '@composio-webhooks/fastify';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';`
      : `const Fastify = require('${fastifyName}');
const { composioWebhooks, createWebhookRouter } = require('@composio-webhooks/fastify');
const { buildTriggerMessage, signWebhook } = require('@composio-webhooks/core/testing');`;
  return `${imports}
(async () => {
  const handled = [];
  const router = createWebhookRouter().onAny((event) => { handled.push(event.type); });
  const app = Fastify();
  await app.register(composioWebhooks, { secret: 'pkg-secret', router, logger: false });
  await app.register(async (own) => {
    await own.register(composioWebhooks, { secret: 'pkg-secret', logger: false });
    own.post('/verify-only', { preParsing: own.verifyComposioWebhook }, async (request) => ({
      composio: request.composio.event.type,
    }));
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret: 'pkg-secret' });
  const routed = await fetch(base + '/webhooks/composio', { method: 'POST', headers: signed.headers, body: signed.body });
  const again = await signWebhook({ payload: buildTriggerMessage(), secret: 'pkg-secret' });
  const verified = await fetch(base + '/verify-only', { method: 'POST', headers: again.headers, body: again.body });
  const forged = await fetch(base + '/webhooks/composio', { method: 'POST', headers: signed.headers, body: signed.body + ' ' });
  await app.close();
  console.log(JSON.stringify({
    routed: routed.status, handled, verified: await verified.json(), forged: forged.status,
  }));
})();
`;
}

describe.each([
  ['esm', 'fastify', 'serve.mjs'],
  ['cjs', 'fastify', 'serve.cjs'],
  ['esm', 'fastify4', 'serve4.mjs'],
  ['cjs', 'fastify4', 'serve4.cjs'],
] as const)('built %s entry on %s', (format, fastifyName, file) => {
  it('verifies, dispatches and answers over a real port', async () => {
    expect(await node(write(file, serveScript(format, fastifyName)))).toEqual({
      routed: 200,
      handled: ['composio.trigger.message'],
      verified: { composio: 'composio.trigger.message' },
      forged: 401,
    });
  }, 30_000);
});

const consumer = `import Fastify, { type FastifyRequest } from 'fastify';
import {
  type ComposioWebhookOptions,
  composioWebhooks,
  createWebhookRouter,
  isWebhookError,
  type WebhookDelivery,
} from '@composio-webhooks/fastify';

const app = Fastify();
const options: ComposioWebhookOptions = {
  onRefusal: (refusal) => {
    throw refusal.error;
  },
  tolerance: 60,
};
await app.register(composioWebhooks, { router: createWebhookRouter().onAny((event) => event.id), path: '/a' });
await app.register(composioWebhooks, options);
app.post('/b', { preParsing: app.verifyComposioWebhook }, async (request) => {
  const delivery: WebhookDelivery | null = request.composio;
  return { id: delivery?.id };
});
app.setErrorHandler((error, _request, reply) => {
  if (isWebhookError(error)) return reply.code(error.status).send({ code: error.code });
  return reply.send(error);
});
export const read = (request: FastifyRequest): string | undefined => request.composio?.event.type;
// Fails to compile if the augmentation were lost or \`any\`.
// @ts-expect-error request.composio is a WebhookDelivery, not a string
export const wrong = (request: FastifyRequest): string | undefined => request.composio;
// @ts-expect-error the plugin's options are typed: maxBodyBytes is a number
await app.register(composioWebhooks, { maxBodyBytes: '1mb' });
// \`declare module '@composio-webhooks/fastify'\` augments the TriggerPayloads the adapter re-exports.
declare module '@composio-webhooks/fastify' {
  interface TriggerPayloads {
    FASTIFY_AUGMENTED_EVENT: { fromFastify: string };
  }
}
export const augmented = createWebhookRouter().onTrigger('FASTIFY_AUGMENTED_EVENT', (event) => {
  const value: string = event.data.fromFastify;
  // @ts-expect-error the declared payload has no other field
  const missing: string = event.data.other;
  return [value, missing];
});
`;

describe.each([
  ['NodeNext ESM', 'consumer.mts', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
  ['bundler', 'consumer.ts', { module: 'ESNext', moduleResolution: 'Bundler' }],
] as const)('declarations under %s', (_name, file, resolution) => {
  it.each([
    ['Fastify 5', {}],
    ['Fastify 4', { fastify: [join(packageDir, 'node_modules/fastify4/fastify.d.ts')] }],
  ] as const)(
    'type-check a consumer with %s',
    async (_types, paths) => {
      const name = `${file.replace('.', '-')}-${Object.keys(paths).length}`;
      expect(await typecheck(name, file, consumer, { ...resolution, paths })).toBe('');
    },
    60_000,
  );
});
