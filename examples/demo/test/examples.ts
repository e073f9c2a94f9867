/**
 * Every example app on a free port with one secret, for the tests that drive the real
 * `composio-webhooks` binary against them. The apps' console logging is silenced meanwhile.
 */
import type { AddressInfo } from 'node:net';
import { assertBuilt } from '../../../packages/cli/test/helpers.js';
import { serve } from '../../../packages/cli/test/servers.js';
import { createApp as createExpressApp } from '../../express/src/app.js';
import { createApp as createFastifyApp } from '../../fastify/src/app.js';
import { createApp as createKoaApp } from '../../koa/src/app.js';
import { createApp as createNestApp } from '../../nest/src/app.js';

export interface HandledRecord {
  handler: string;
  id: string;
  type: string;
}

export interface Example {
  name: 'express' | 'koa' | 'fastify' | 'nest-express' | 'nest-fastify';
  /** `<origin>/webhooks/composio`. */
  url: string;
  close(): Promise<void>;
}

export const EXAMPLE_NAMES = ['express', 'koa', 'fastify', 'nest-express', 'nest-fastify'] as const;

export async function startExamples(
  secret: string,
  onHandled: (record: HandledRecord) => void,
): Promise<{ examples: Example[]; stop(): Promise<void> }> {
  assertBuilt();
  const quiet = { log: console.log, warn: console.warn };
  console.log = () => {};
  console.warn = () => {};
  const examples: Example[] = [];
  const express = await serve(createExpressApp({ secret, onHandled }));
  examples.push({
    name: 'express',
    url: `${express.origin}/webhooks/composio`,
    close: express.close,
  });
  const koa = await serve(createKoaApp({ secret, onHandled }).callback());
  examples.push({ name: 'koa', url: `${koa.origin}/webhooks/composio`, close: koa.close });
  const fastify = await createFastifyApp({ secret, onHandled });
  const fastifyBase = await fastify.listen({ port: 0, host: '127.0.0.1' });
  examples.push({
    name: 'fastify',
    url: `${fastifyBase}/webhooks/composio`,
    close: () => fastify.close(),
  });
  for (const platform of ['express', 'fastify'] as const) {
    const app = await createNestApp({ secret, onHandled, platform, logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    examples.push({
      name: `nest-${platform}`,
      url: `http://127.0.0.1:${port}/webhooks/composio`,
      close: () => app.close(),
    });
  }
  return {
    examples,
    async stop() {
      Object.assign(console, quiet);
      await Promise.all(examples.map((example) => example.close()));
    },
  };
}

/** The example of that name, or a clear failure. */
export function exampleNamed(examples: readonly Example[], name: string): Example {
  const found = examples.find((example) => example.name === name);
  if (!found) throw new Error(`no ${name} example`);
  return found;
}
