import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageScratch } from '@composio-webhooks/test-runtimes';
import { describe, expect, it } from 'vitest';

const { packageDir, write, node, typecheck } = packageScratch(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

describe('package.json', () => {
  it('is an ESM package with CJS, types for both formats, and Express 4 and 5 as peers', () => {
    expect(pkg.name).toBe('@composio-webhooks/express');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(pkg.files).toEqual(['dist', 'README.md']);
    expect(pkg.peerDependencies.express).toBe('^4.17.0 || ^5.0.0');
    expect(pkg.peerDependenciesMeta['@types/express'].optional).toBe(true);
    expect(pkg.dependencies['@composio-webhooks/core']).toBe('workspace:^');
  });
});

/** A script that serves composioWebhook on a real port and delivers one signed event to it. */
function serveScript(format: 'esm' | 'cjs', expressName: 'express' | 'express4'): string {
  const imports =
    format === 'esm'
      ? `import express from '${expressName}';
import { composioWebhook, createWebhookRouter, keepRawBody } from '@composio-webhooks/express';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';`
      : `const express = require('${expressName}');
const { composioWebhook, createWebhookRouter, keepRawBody } = require('@composio-webhooks/express');
const { buildTriggerMessage, signWebhook } = require('@composio-webhooks/core/testing');`;
  return `${imports}
(async () => {
  const handled = [];
  const router = createWebhookRouter().onAny((event) => { handled.push(event.type); });
  const app = express();
  app.use(express.json({ verify: keepRawBody }));
  app.post('/webhooks/composio', composioWebhook({ secret: 'pkg-secret', router, logger: false }));
  app.post('/verify-only', composioWebhook({ secret: 'pkg-secret', logger: false }), (req, res) => {
    res.json({ composio: req.composio.event.type });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = 'http://127.0.0.1:' + server.address().port;
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret: 'pkg-secret' });
  const routed = await fetch(base + '/webhooks/composio', { method: 'POST', headers: signed.headers, body: signed.body });
  const again = await signWebhook({ payload: buildTriggerMessage(), secret: 'pkg-secret' });
  const verified = await fetch(base + '/verify-only', { method: 'POST', headers: again.headers, body: again.body });
  const forged = await fetch(base + '/webhooks/composio', { method: 'POST', headers: signed.headers, body: signed.body + ' ' });
  server.close();
  console.log(JSON.stringify({
    routed: routed.status, handled, verified: await verified.json(), forged: forged.status,
  }));
})();
`;
}

describe.each([
  ['esm', 'express', 'serve.mjs'],
  ['cjs', 'express', 'serve.cjs'],
  ['esm', 'express4', 'serve4.mjs'],
  ['cjs', 'express4', 'serve4.cjs'],
] as const)('built %s entry on %s', (format, expressName, file) => {
  it('verifies, dispatches and answers over a real port', async () => {
    const result = await node(write(file, serveScript(format, expressName)));
    expect(result).toEqual({
      routed: 200,
      handled: ['composio.trigger.message'],
      verified: { composio: 'composio.trigger.message' },
      forged: 401,
    });
  }, 30_000);
});

const consumer = `import express, { type ErrorRequestHandler, type Request } from 'express';
import {
  type ComposioWebhookOptions,
  composioWebhook,
  createWebhookRouter,
  isWebhookError,
  keepRawBody,
  type WebhookDelivery,
} from '@composio-webhooks/express';

const app = express();
app.use(express.json({ verify: keepRawBody }));
const options: ComposioWebhookOptions = {
  onRefusal: (refusal) => {
    throw refusal.error;
  },
  tolerance: 60,
};
app.post('/a', composioWebhook({ router: createWebhookRouter().onAny((event) => event.id) }));
app.post('/b', composioWebhook(options), (req, res) => {
  const delivery: WebhookDelivery | undefined = req.composio;
  res.json({ id: delivery?.id });
});
export const read = (req: Request): string | undefined => req.composio?.event.type;
// Fails to compile if the augmentation were lost or \`any\`.
// @ts-expect-error req.composio is a WebhookDelivery, not a string
export const wrong = (req: Request): string | undefined => req.composio;
const onError: ErrorRequestHandler = (error, _req, res, next) => {
  if (!isWebhookError(error)) return next(error);
  res.status(error.status).json({ code: error.code });
};
app.use(onError);
// @ts-expect-error onRefusal is a callback
composioWebhook({ onRefusal: 'next' });
// \`declare module '@composio-webhooks/express'\` augments the TriggerPayloads the adapter re-exports.
declare module '@composio-webhooks/express' {
  interface TriggerPayloads {
    EXPRESS_AUGMENTED_EVENT: { fromExpress: string };
  }
}
export const augmented = createWebhookRouter().onTrigger('EXPRESS_AUGMENTED_EVENT', (event) => {
  const value: string = event.data.fromExpress;
  // @ts-expect-error the declared payload has no other field
  const missing: string = event.data.other;
  return [value, missing];
});
`;

describe.each([
  ['NodeNext ESM', 'consumer.mts', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
  ['NodeNext CJS', 'consumer.cts', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
  ['bundler', 'consumer.ts', { module: 'ESNext', moduleResolution: 'Bundler' }],
] as const)('declarations under %s', (_name, file, resolution) => {
  it.each([
    ['@types/express 5', {}],
    [
      '@types/express 4',
      { express: [join(packageDir, 'node_modules/@types/express4/index.d.ts')] },
    ],
  ] as const)(
    'type-check a consumer with %s',
    async (_types, paths) => {
      const name = `${file.replace('.', '-')}-${Object.keys(paths).length}`;
      expect(await typecheck(name, file, consumer, { ...resolution, paths })).toBe('');
    },
    60_000,
  );
});
