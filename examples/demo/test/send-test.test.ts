/**
 * The real `composio-webhooks send-test` binary against every example app: each event kind is
 * answered 200 and runs the right handler; a server with another secret answers 401 and the CLI
 * says why.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../../../packages/cli/test/helpers.js';
import { createApp as createExpressApp } from '../../express/src/app.js';
import { createApp as createFastifyApp } from '../../fastify/src/app.js';
import { createApp as createKoaApp } from '../../koa/src/app.js';
import { createApp as createNestApp } from '../../nest/src/app.js';

const SECRET = 'send-test-example-secret';

interface HandledRecord {
  handler: string;
  id: string;
  type: string;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/composio`);
    });
  });
}

interface Example {
  name: string;
  url: string;
  close(): Promise<void>;
}

const handled: HandledRecord[] = [];
const onHandled = (record: HandledRecord) => {
  handled.push(record);
};
const examples: Example[] = [];
const quiet = { log: console.log, warn: console.warn };

beforeAll(async () => {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build the CLI first (pnpm build).`);
  }
  console.log = () => {};
  console.warn = () => {};
  for (const [name, app] of [
    ['express', createExpressApp({ secret: SECRET, onHandled })],
    ['koa', createKoaApp({ secret: SECRET, onHandled }).callback()],
  ] as const) {
    const server = createServer(app);
    examples.push({
      name,
      url: await listen(server),
      close: () => new Promise((resolve) => server.close(() => resolve())),
    });
  }
  const fastify = await createFastifyApp({ secret: SECRET, onHandled });
  const fastifyBase = await fastify.listen({ port: 0, host: '127.0.0.1' });
  examples.push({
    name: 'fastify',
    url: `${fastifyBase}/webhooks/composio`,
    close: () => fastify.close(),
  });
  for (const platform of ['express', 'fastify'] as const) {
    const app = await createNestApp({ secret: SECRET, onHandled, platform, logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    examples.push({
      name: `nest-${platform}`,
      url: `http://127.0.0.1:${port}/webhooks/composio`,
      close: () => app.close(),
    });
  }
});

afterAll(async () => {
  Object.assign(console, quiet);
  await Promise.all(examples.map((example) => example.close()));
});

const kinds = [
  { args: ['--event', 'trigger-message'], handlers: ['githubCommit', 'triggerMessage'] },
  {
    args: ['--event', 'trigger-message', '--slug', 'SLACK_RECEIVE_MESSAGE'],
    handlers: ['triggerMessage'],
  },
  {
    args: ['--event', 'trigger-message', '--payload-version', 'V1'],
    handlers: ['githubCommit', 'triggerMessage'],
  },
  {
    args: ['--event', 'trigger-message', '--payload-version', 'V2'],
    handlers: ['githubCommit', 'triggerMessage'],
  },
  { args: ['--event', 'connection-expired'], handlers: ['connectionExpired'] },
  { args: ['--event', 'trigger-disabled'], handlers: ['triggerDisabled'] },
];

describe.each(['express', 'koa', 'fastify', 'nest-express', 'nest-fastify'])(
  'send-test → %s example',
  (name) => {
    const urlOf = () => (examples.find((example) => example.name === name) as Example).url;

    it.each(kinds)('$args: 200 and the right handler ran', async ({ args, handlers }) => {
      const before = handled.length;
      const result = await runCli([
        'send-test',
        '--url',
        urlOf(),
        '--secret',
        SECRET,
        '--json',
        ...args,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { status: number; webhookId: string };
      expect(report.status).toBe(200);
      const ran = handled.slice(before).filter((record) => record.id === report.webhookId);
      expect(ran.map((record) => record.handler).sort()).toEqual(handlers);
    });

    it('another secret: 401, exit 1, and the hint', async () => {
      const before = handled.length;
      const result = await runCli([
        'send-test',
        '--url',
        urlOf(),
        '--secret',
        'not-the-server-secret',
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('401');
      expect(result.stdout).toContain('wrong secret or clock skew?');
      expect(handled.length).toBe(before);
    });
  },
);
