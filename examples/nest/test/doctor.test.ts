/**
 * `composio-webhooks doctor` (the real binary) against this example as written (Nest's default
 * set-up: no `rawBody`, no `useBodyParser`), on both platforms — exit 0, the 200 KB probe
 * included —, and a hand-written Nest controller (not the module) that verifies `req.rawBody`
 * behind Nest's default JSON parser: Nest's 100 KB limit, exit 1 and the fix.
 */
import type { AddressInfo } from 'node:net';
import { createWebhookReceiver, createWebhookRouter } from '@composio-webhooks/core';
import {
  Controller,
  type INestApplication,
  Module,
  Post,
  type RawBodyRequest,
  Req,
  Res,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../../../packages/cli/test/helpers.js';
import { createApp } from '../src/app.js';

const SECRET = `whsec_${Buffer.from('example nest doctor key 32 bytes').toString('base64')}`;
const apps: INestApplication[] = [];

beforeAll(assertBuilt);
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function listen(app: INestApplication): Promise<string> {
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}/webhooks/composio`;
}

describe.each(['express', 'fastify'] as const)('doctor → the Nest example on %s', (platform) => {
  it('as written: every probe as documented, exit 0', async () => {
    const url = await listen(await createApp({ secret: SECRET, platform, logger: false }));
    const result = await runCli(['doctor', '--url', url, '--secret', SECRET]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✔ Everything is as documented (11 probes).');
    expect(result.stdout).toMatch(/✔ {2}200 KB body \(195\.\d KiB\) +2xx +200$/m);
  });
});

describe("doctor → a hand-written controller on Nest's rawBody", () => {
  it('a hand-written controller behind Nest’s JSON parser hits the 100 KB limit: exit 1, NestJS’s limit and the fix', async () => {
    // Core's receiver on Nest's rawBody: right, except that Nest's own JSON parser runs first.
    const receiver = createWebhookReceiver({
      router: createWebhookRouter(),
      secret: SECRET,
      logger: false,
    });
    @Controller('webhooks/composio')
    class HandWrittenWebhook {
      @Post()
      async receive(
        @Req() req: RawBodyRequest<{ headers: Record<string, string> }>,
        @Res() res: { status(code: number): { json(body: unknown): void } },
      ) {
        const answer = await receiver.receive({ body: req.rawBody ?? '', headers: req.headers });
        res.status(answer.status).json(answer.body);
      }
    }
    @Module({ controllers: [HandWrittenWebhook] })
    class HandWrittenModule {}
    const app = await NestFactory.create(HandWrittenModule, new ExpressAdapter(), {
      rawBody: true,
      logger: false,
    });
    const url = await listen(app);
    const result = await runCli(['doctor', '--url', url, '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ {2}200 KB body \(195\.\d KiB\) +2xx +413$/m);
    expect(result.stdout).toMatch(
      /^\d\. NestJS’s 100 KB JSON limit refuses large deliveries \(413 before the webhook runs\) \[body-parser-limit\]$/m,
    );
    expect(result.stdout).toContain(
      'Fix: NestJS: serve the webhook with ComposioWebhooksModule’s route, or put ComposioWebhookGuard on your controller: both read the raw body themselves, so Nest’s 100 KB JSON parser never sees it.',
    );
  });
});
