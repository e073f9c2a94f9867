/**
 * `doctor` (the real binary) against endpoints on core's receiver, set up right and set up wrong
 * in ways that need no web framework. (The framework set-ups — a JSON parser first, NestJS's
 * 100 KB limit, … — are tested against the example apps, in examples/*.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, runCli } from './helpers.js';
import { type ReceiverServer, serve, startProxy, startReceiverServer } from './servers.js';

// A Standard-Webhooks-looking secret used as a raw secret (Composio's way): doctor also probes
// its other forms (base64-decoded, without the prefix), which must all be refused.
const SECRET = `whsec_${Buffer.from('doctor test key, 32 bytes long!!').toString('base64')}`;
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function endpoint(options: Parameters<typeof startReceiverServer>[0] = { secret: SECRET }) {
  const server: ReceiverServer = await startReceiverServer(options);
  servers.push(server);
  return server;
}

interface Report {
  ok: boolean;
  probes: Array<{ key: string; passed: boolean; status: number | null; code: string | null }>;
  diagnoses: Array<{ id: string; title: string; detail: string; fix: string }>;
}

async function doctor(url: string, ...args: string[]) {
  const result = await runCli(['doctor', '--url', url, '--secret', SECRET, '--json', ...args]);
  return { ...result, report: JSON.parse(result.stdout || '{}') as Report };
}

describe('doctor against a correct endpoint', () => {
  it('every probe as documented: exit 0, a table, nothing to fix', async () => {
    const { url, handled } = await endpoint();
    const result = await runCli(['doctor', '--url', url, '--secret', SECRET]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const row of [
      /✔ {2}valid delivery +2xx +200$/m,
      /✔ {2}retry of it \(same webhook-id\) +200 duplicate +200 duplicate$/m,
      /✔ {2}valid, sent as text\/plain +2xx +200$/m,
      /✔ {2}signed with a wrong secret +401 +401 INVALID_SIGNATURE$/m,
      /✔ {2}whsec_ form \(decoded as a Standard Webhooks key\) +401 +401 INVALID_SIGNATURE$/m,
      /✔ {2}secret without its whsec_ prefix +401 +401 INVALID_SIGNATURE$/m,
      /✔ {2}timestamp 600 s old +401 +401 TIMESTAMP_OUT_OF_TOLERANCE$/m,
      /✔ {2}timestamp 600 s ahead +401 +401 TIMESTAMP_OUT_OF_TOLERANCE$/m,
      /✔ {2}malformed JSON, signed +400 +400 INVALID_PAYLOAD$/m,
      /✔ {2}200 KB body \(195\.\d KiB\) +2xx +200$/m,
      /✔ {2}1\.1 MiB body \(over 1\.0 MiB\) +413 +413 PAYLOAD_TOO_LARGE$/m,
    ]) {
      expect(result.stdout).toMatch(row);
    }
    expect(result.stdout).toContain('✔ Everything is as documented (11 probes).');
    // Valid probes ran the handlers, with doctor's own trigger slug.
    expect(new Set(handled.map((h) => h.slug))).toEqual(new Set(['COMPOSIO_WEBHOOKS_DOCTOR']));
  });

  it('--json: the probes and no diagnosis', async () => {
    const { url } = await endpoint();
    const { code, report, stderr } = await doctor(url);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.diagnoses).toEqual([]);
    expect(report.probes.map((p) => p.key)).toEqual([
      'valid',
      'duplicate',
      'text-plain',
      'wrong-secret',
      'standard-form',
      'unprefixed',
      'stale',
      'future',
      'malformed',
      'large',
      'oversize',
    ]);
  });

  it('a raw secret without another form: no whsec_ probes; --tolerance and --max-body follow the endpoint', async () => {
    const secret = 'plain-raw-secret';
    const { url } = await endpoint({ secret, tolerance: 60, maxBodyBytes: 512 * 1024 });
    const result = await runCli([
      'doctor',
      '--url',
      url,
      '--secret',
      secret,
      '--tolerance',
      '60',
      '--max-body',
      String(512 * 1024),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('whsec_');
    expect(result.stdout).toMatch(/timestamp 360 s old +401/);
    expect(result.stdout).toMatch(
      /612\.\d KiB body \(over 512\.0 KiB\) +413 +413 PAYLOAD_TOO_LARGE/,
    );
  });

  it('--secret-format standard probes the raw reading of the secret', async () => {
    const { url } = await endpoint({ secret: SECRET, secretFormat: 'standard' });
    const { code, report } = await doctor(url, '--secret-format', 'standard');
    expect(code).toBe(0);
    expect(report.probes.map((p) => p.key)).toContain('raw-form');
  });
});

/** The diagnosis ids of a report. */
const ids = (report: Report) => report.diagnoses.map((d) => d.id);

describe('doctor against endpoints set up wrong: exit 1 and the diagnosis', () => {
  it('no dedupe (idempotency: false)', async () => {
    const { url } = await endpoint({ secret: SECRET, idempotency: false });
    const { code, report } = await doctor(url);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['no-dedupe']);
    expect(report.diagnoses[0]?.title).toBe(
      'No deduplication: a retry of a processed delivery ran its handlers again',
    );
    expect(report.diagnoses[0]?.fix).toContain('do not pass idempotency: false');
  });

  it('the server decodes the secret as a Standard Webhooks key (whsec_/raw mix-up)', async () => {
    const { url } = await endpoint({ secret: SECRET, secretFormat: 'standard' });
    const { code, report } = await doctor(url);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['secret-format-mixup']);
    expect(report.diagnoses[0]?.detail).toContain(
      'signed with the whsec_ form (decoded as a Standard Webhooks key), it was accepted',
    );
    expect(report.diagnoses[0]?.fix).toContain("use secretFormat: 'raw'");
  });

  it('the server has the secret without its whsec_ prefix', async () => {
    const { url } = await endpoint({ secret: SECRET.slice('whsec_'.length) });
    const { code, report } = await doctor(url);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['secret-format-mixup']);
    expect(report.diagnoses[0]?.fix).toContain(
      'put the whole secret, whsec_ included, in COMPOSIO_WEBHOOK_SECRET',
    );
  });

  it('the server has another secret altogether', async () => {
    const { url } = await endpoint({ secret: 'some-other-secret' });
    const { code, report } = await doctor(url);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['wrong-secret']);
    expect(report.diagnoses[0]?.fix).toContain('composio-webhooks subscription get --show-secret');
  });

  it.each([
    ['ahead', 3600, 'A delivery signed in the future was accepted'],
    ['behind', -700, 'A delivery signed in the past was accepted'],
  ])('the server clock is %s', async (_, offsetSeconds, inference) => {
    const { url } = await endpoint({
      secret: SECRET,
      now: () => Date.now() + offsetSeconds * 1000,
    });
    const { code, report } = await doctor(url);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['clock-off']);
    expect(report.diagnoses[0]?.title).toBe(
      'A clock is far off: a delivery signed just now was refused as outside the tolerance',
    );
    if (offsetSeconds < 0) expect(report.diagnoses[0]?.detail).toContain(inference);
  });

  it('timestamps not checked (tolerance: 0)', async () => {
    const { url } = await endpoint({ secret: SECRET, tolerance: 0 });
    const { code, report } = await doctor(url);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['no-timestamp-check']);
    expect(report.diagnoses[0]?.detail).toContain('in the past and in the future beyond 300 s');
  });

  it('a proxy in front strips the signature headers', async () => {
    const app = await endpoint();
    const proxy = await startProxy(app.origin, { drop: (name) => name.startsWith('webhook-') });
    servers.push(proxy);
    const { code, report } = await doctor(`${proxy.origin}/webhooks/composio`);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['headers-stripped']);
    expect(report.diagnoses[0]?.title).toBe(
      'The webhook-* headers do not reach the endpoint: something in between strips them',
    );
  });

  it('a route that depends on the content type (415 for text/plain)', async () => {
    const app = await endpoint();
    const proxy = await startProxy(app.origin, {
      intercept: (headers) =>
        headers['content-type'] === 'application/json' ? undefined : { status: 415, body: '{}' },
    });
    servers.push(proxy);
    const { code, report } = await doctor(`${proxy.origin}/webhooks/composio`);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['content-type-dependent']);
    expect(report.diagnoses[0]?.title).toBe(
      'A valid delivery sent as text/plain was answered 415: the endpoint depends on the content type',
    );
  });

  it('an answer no known set-up explains is still reported', async () => {
    const app = await endpoint();
    const proxy = await startProxy(app.origin, {
      intercept: (_headers, body) => {
        try {
          JSON.parse(body.toString());
          return undefined;
        } catch {
          return { status: 422, body: '{"error":"unprocessable"}' };
        }
      },
    });
    servers.push(proxy);
    const { code, report } = await doctor(`${proxy.origin}/webhooks/composio`);
    expect(code).toBe(1);
    expect(report.diagnoses).toEqual([
      expect.objectContaining({
        id: 'unexpected-answer',
        title: 'A signed body that is not JSON was answered 422',
      }),
    ]);
  });

  it('a handler that throws on the test event', async () => {
    const { url } = await endpoint({ secret: SECRET, failWith: new Error('boom') });
    const { code, report } = await doctor(url);
    expect(code).toBe(1);
    expect(ids(report)).toEqual(['handler-failed']);
    expect(report.diagnoses[0]?.fix).toContain('COMPOSIO_WEBHOOKS_DOCTOR');
  });

  it('a body limit below 200 KB, and none at all', async () => {
    const small = await endpoint({ secret: SECRET, maxBodyBytes: 100 * 1024 });
    const tooSmall = await doctor(small.url);
    expect(tooSmall.code).toBe(1);
    expect(ids(tooSmall.report)).toEqual(['webhook-body-limit']);
    const big = await endpoint({ secret: SECRET, maxBodyBytes: 8 * 1024 * 1024 });
    const unlimited = await doctor(big.url);
    expect(unlimited.code).toBe(1);
    expect(ids(unlimited.report)).toEqual(['no-body-limit']);
    expect(unlimited.report.diagnoses[0]?.fix).toContain('--max-body <bytes>');
  });

  it.each([
    [
      'NestJS’s parser (its error body)',
      '{"statusCode":413,"message":"request entity too large"}',
      'NestJS: serve the webhook with ComposioWebhooksModule’s route, or put ComposioWebhookGuard on your controller: both read the raw body themselves, so Nest’s 100 KB JSON parser never sees it.',
    ],
    [
      'express.json()',
      '<!DOCTYPE html><pre>PayloadTooLargeError</pre>',
      "Express: mount the webhook route before express.json(), or raise its limit (express.json({ limit: '1mb' })).",
    ],
  ])(
    'a 100 KB body parser in front (%s): the fix for that set-up, no rawBody/useBodyParser advice',
    async (_name, body, fix) => {
      const app = await endpoint();
      const proxy = await startProxy(app.origin, {
        intercept: (_headers, sent) =>
          sent.length > 100 * 1024 ? { status: 413, body } : undefined,
      });
      servers.push(proxy);
      const { code, report } = await doctor(`${proxy.origin}/webhooks/composio`);
      expect(code).toBe(1);
      expect(ids(report)).toEqual(['body-parser-limit']);
      expect(report.diagnoses[0]?.fix).toBe(fix);
      expect(JSON.stringify(report.diagnoses)).not.toMatch(/rawBody|useBodyParser/);
    },
  );

  it('no signature check at all', async () => {
    const open = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    servers.push(open);
    const { code, report } = await doctor(`${open.origin}/webhooks/composio`);
    expect(code).toBe(1);
    // The root cause, and the other problems that do not follow from it.
    expect(ids(report)).toEqual([
      'no-dedupe',
      'no-signature-check',
      'malformed-accepted',
      'no-body-limit',
    ]);
  });

  it('a URL where no webhook receiver runs (404 everywhere)', async () => {
    const { origin } = await endpoint();
    const result = await runCli(['doctor', '--url', `${origin}/hooks`, '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '1. Nothing at this URL verifies webhooks: every probe was answered 404 [not-a-webhook-route]',
    );
    expect(result.stdout).toContain('Fix: Check --url');
  });
});

describe('doctor usage and connection errors', () => {
  it.each([
    [['doctor', '--secret', 's'], 'doctor needs --url <your webhook endpoint>.'],
    [
      ['doctor', '--url', 'http://x'],
      'No webhook secret: pass --secret <secret> or set COMPOSIO_WEBHOOK_SECRET.',
    ],
    [['doctor', '--url', 'x', '--secret', 's'], '--url must be an http(s) URL, got "x".'],
    [
      ['doctor', '--url', 'http://x', '--secret', 's', '--max-body', '10'],
      '--max-body must be an integer ≥ 1024, got "10".',
    ],
  ])('%j → exit 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });

  it('nothing listening: exit 1, says to start the server', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/webhooks/composio`;
    const result = await runCli(['doctor', '--url', url, '--secret', SECRET]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: Nothing is listening at ${url} (ECONNREFUSED): start your server, or check the port.`,
    );
  });
});
