/**
 * `composio-webhooks doctor` (the real binary) against this example as written: every answer as
 * documented, exit 0 — the webhook route before @koa/bodyparser, and behind it too.
 */
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/koa';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../../../packages/cli/test/helpers.js';
import { serve as serveHttp } from '../../../packages/cli/test/servers.js';
import { createApp } from '../src/app.js';

const SECRET = `whsec_${Buffer.from('example koa doctor key, 32 bytes').toString('base64')}`;
const servers: Array<() => Promise<void>> = [];

beforeAll(assertBuilt);
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function serve(app: Koa): Promise<string> {
  const server = await serveHttp(app.callback());
  servers.push(server.close);
  return `${server.origin}/webhooks/composio`;
}

describe('doctor → the Koa example', () => {
  it('as written: every probe as documented, exit 0', async () => {
    const url = await serve(createApp({ secret: SECRET, onHandled: () => {} }));
    const result = await runCli(['doctor', '--url', url, '--secret', SECRET]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✔ Everything is as documented (11 probes).');
  });

  it('behind @koa/bodyparser (it keeps ctx.request.rawBody): exit 0', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(bodyParser());
    const router = createWebhookRouter().onAny(() => {});
    const webhook = composioWebhook({ router, secret: SECRET, logger: false });
    app.use((ctx, next) => (ctx.path === '/webhooks/composio' ? webhook(ctx, next) : next()));
    const result = await runCli([
      'doctor',
      '--url',
      await serve(app),
      '--secret',
      SECRET,
      '--json',
    ]);
    const report = JSON.parse(result.stdout) as { ok: boolean; diagnoses: unknown[] };
    expect(report.diagnoses).toEqual([]);
    expect(result.code).toBe(0);
  });
});
