/**
 * `composio-webhooks doctor` (the real binary) against this example as written — every answer as
 * documented, exit 0 — and against Express apps set up wrong in each way doctor explains:
 * exit 1 and the matching diagnosis.
 */
import type { RequestListener } from 'node:http';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express';
import express from 'express';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../../../packages/cli/test/helpers.js';
import { serve as serveHttp, startProxy } from '../../../packages/cli/test/servers.js';
import { createApp } from '../src/app.js';

// Composio's secret is used as a raw string, whsec_ prefix and all: doctor also probes its other
// forms (base64-decoded, without the prefix), which a correct app refuses.
const SECRET = `whsec_${Buffer.from('example express doctor key 32 b!').toString('base64')}`;
const servers: Array<() => Promise<void>> = [];

beforeAll(assertBuilt);
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function serve(app: RequestListener): Promise<string> {
  const server = await serveHttp(app);
  servers.push(server.close);
  return server.origin;
}

const quiet = { onHandled: () => {} };
const router = () => createWebhookRouter().onAny(() => {});

interface Report {
  ok: boolean;
  diagnoses: Array<{ id: string; title: string; fix: string }>;
}

async function doctor(url: string) {
  const result = await runCli(['doctor', '--url', url, '--secret', SECRET, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

describe('doctor → the Express example', () => {
  it('as written: every probe as documented, exit 0', async () => {
    const origin = await serve(createApp({ secret: SECRET, ...quiet }));
    const result = await runCli([
      'doctor',
      '--url',
      `${origin}/webhooks/composio`,
      '--secret',
      SECRET,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✔ Everything is as documented (11 probes).');
  });
});

/** An Express app with the webhook at /webhooks/composio; `before` adds what runs ahead of it. */
async function webhookApp(
  options: Partial<Parameters<typeof composioWebhook>[0]> = {},
  before: (app: express.Express) => void = () => {},
): Promise<string> {
  const app = express();
  before(app);
  app.post(
    '/webhooks/composio',
    composioWebhook({ router: router(), secret: SECRET, logger: false, ...options }),
  );
  return `${await serve(app)}/webhooks/composio`;
}

/** Runs doctor: exit 1 and exactly this one diagnosis, which is returned. */
async function onlyDiagnosis(url: string, id: string) {
  const { code, report } = await doctor(url);
  expect(code).toBe(1);
  expect(report.diagnoses.map((d) => d.id)).toEqual([id]);
  return report.diagnoses[0];
}

describe('doctor → Express apps set up wrong: exit 1 and the diagnosis', () => {
  it('express.json() before the webhook route', async () => {
    const url = await webhookApp({}, (app) => app.use(express.json()));
    const diagnosis = await onlyDiagnosis(url, 'json-parser-first');
    expect(diagnosis?.title).toBe(
      'A JSON body parser ran before the webhook and consumed the raw body',
    );
    expect(diagnosis?.fix).toContain('Mount the webhook route before express.json()');
  });

  it('express.json() with a raw-body hook before the route: its 100 KB limit', async () => {
    const keepRawBody = (req: unknown, _res: unknown, body: Buffer) => {
      (req as { rawBody?: Buffer }).rawBody = body;
    };
    const url = await webhookApp({}, (app) => app.use(express.json({ verify: keepRawBody })));
    const diagnosis = await onlyDiagnosis(url, 'body-parser-limit');
    expect(diagnosis?.title).toBe(
      'A body parser’s 100 KB limit refuses large deliveries (413 before the webhook runs)',
    );
    expect(diagnosis?.fix).toContain("express.json({ limit: '1mb' })");
  });

  it('no dedupe: the example with idempotency: false', async () => {
    const origin = await serve(createApp({ secret: SECRET, idempotency: false, ...quiet }));
    await onlyDiagnosis(`${origin}/webhooks/composio`, 'no-dedupe');
  });

  it("wrong secret form: secretFormat: 'standard' for Composio's raw secret", async () => {
    const diagnosis = await onlyDiagnosis(
      await webhookApp({ secretFormat: 'standard' }),
      'secret-format-mixup',
    );
    expect(diagnosis?.title).toBe(
      'whsec_/raw mix-up: the endpoint reads the secret another way than Composio signs with it',
    );
  });

  it('a proxy in front of the example strips the webhook-* headers', async () => {
    const origin = await serve(createApp({ secret: SECRET, ...quiet }));
    const proxy = await startProxy(origin, { drop: (name) => name.startsWith('webhook-') });
    servers.push(proxy.close);
    await onlyDiagnosis(`${proxy.origin}/webhooks/composio`, 'headers-stripped');
  });

  it('a verify-only route that answers non-2xx on success', async () => {
    const app = express();
    app.post(
      '/webhooks/composio',
      composioWebhook({ secret: SECRET, logger: false }),
      (_req, res) => {
        res.status(404).json({ error: 'unknown event' });
      },
    );
    const diagnosis = await onlyDiagnosis(
      `${await serve(app)}/webhooks/composio`,
      'non-2xx-on-success',
    );
    expect(diagnosis?.title).toBe(
      'The endpoint answers 404 to a valid delivery: success must be a 2xx',
    );
  });

  it('a server clock an hour ahead', async () => {
    await onlyDiagnosis(await webhookApp({ now: () => Date.now() + 3_600_000 }), 'clock-off');
  });
});
