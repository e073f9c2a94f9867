/**
 * `listen` (the real binary) keeps its secrets to itself and never loops: no secret in anything it
 * prints, nothing about the local secret's shape in what a sender is told, and no forwarding to
 * itself — refused at start-up, and answered 508 when a forwarded delivery comes back anyway.
 */
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  listenRecords,
  type RunningCli,
  runCli,
  startCli,
  startListenCli,
} from './helpers.js';
import { serve } from './servers.js';

const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

async function startListen(args: string[], env: Record<string, string> = {}) {
  const started = await startListenCli(args, env);
  running.push(started.cli);
  return started;
}

async function post(url: string, payload: unknown, secret: string) {
  const signed = await signWebhook({ payload, secret });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  return { status: response.status, text: await response.text() };
}

describe('listen never prints a secret', () => {
  it('--secret and --forward-secret appear nowhere in its output, whatever it handles', async () => {
    const secret = 'listen-secret-never-printed-4f1c';
    const forwardSecret = 'forward-secret-never-printed-9b2e';
    const target = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401).end('{"ok":false}'));
    });
    try {
      for (const extra of [[], ['--json']]) {
        const { cli, origin } = await startListen([
          '--secret',
          secret,
          '--forward-to',
          target.origin,
          '--forward-secret',
          forwardSecret,
          ...extra,
        ]);
        await post(origin, buildTriggerMessage(), secret); // verified, forwarded, refused there
        await post(origin, buildTriggerMessage(), 'another-secret'); // refused here
        await fetch(origin, { method: 'POST', body: '{}' }); // no headers at all
        await cli.waitForLine((line) => line.includes('MISSING_HEADERS'));
        await cli.stop();
        const printed = `${cli.lines.join('\n')}\n${cli.stderr()}`;
        expect(printed).toContain(origin);
        expect(printed).not.toContain(secret);
        expect(printed).not.toContain(forwardSecret);
      }
    } finally {
      await target.close();
    }
  });
});

describe('a sender learns nothing about the local secret', () => {
  it.each([
    ['with stray whitespace', '  padded-local-secret  ', 'whitespace'],
    ['with a whsec_ prefix, raw format', 'whsec_bG9jYWwgc2VjcmV0IGtleQ==', 'whsec_'],
  ])(
    'a secret %s: the 401 is the adapters’ answer; the hint is in the local output only',
    async (_name, secret, hint) => {
      const { cli, origin } = await startListen(['--secret', secret, '--json']);
      const refused = await post(origin, buildTriggerMessage(), 'what-the-sender-has');
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toEqual({
        ok: false,
        error: { code: 'INVALID_SIGNATURE', message: 'Webhook signature verification failed.' },
      });
      expect(refused.text).not.toContain(hint);
      await cli.waitForLine((line) => line.includes('INVALID_SIGNATURE'));
      expect(String(listenRecords(cli).at(-1)?.reason)).toContain(hint);
    },
  );
});

describe('listen never forwards to itself', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', (port: number) => `http://127.0.0.1:${port}/webhooks/composio`],
    ['localhost', '127.0.0.1', (port: number) => `http://localhost:${port}/`],
    // Bound to every address: any address of this machine is itself.
    ['127.0.0.1, bound to 0.0.0.0', '0.0.0.0', (port: number) => `http://127.0.0.1:${port}/`],
  ])(
    '--forward-to its own address (%s): exit 2 at start-up, nothing listens',
    async (_name, host, urlOf) => {
      const port = await closedPort();
      const result = await runCli([
        'listen',
        '--port',
        String(port),
        '--host',
        host,
        '--secret',
        's',
        '--forward-to',
        urlOf(port),
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(
        `error: --forward-to ${urlOf(port)} is this listen itself (http://${host}:${port}): every delivery would be forwarded back to it, in a loop. Point --forward-to at your app (e.g. http://127.0.0.1:3000/webhooks/composio) and give listen another --port.`,
      );
      expect(result.stdout).toBe('');
      // The port was released: another listen can take it.
      const again = startCli(['listen', '--port', String(port), '--secret', 's']);
      running.push(again);
      await again.waitForLine((line) => line.includes(`127.0.0.1:${port}`));
    },
  );

  it('two listens forwarding to each other: the delivery comes back once and is answered 508', async () => {
    const [portA, portB] = [await closedPort(), await closedPort()];
    const secret = 'loop-secret';
    const b = startCli([
      'listen',
      '--port',
      String(portB),
      '--secret',
      secret,
      '--forward-to',
      `http://127.0.0.1:${portA}/`,
      '--json',
    ]);
    running.push(b);
    await b.waitForLine((line) => line.includes('"listening"'));
    const a = startCli([
      'listen',
      '--port',
      String(portA),
      '--secret',
      secret,
      '--forward-to',
      `http://127.0.0.1:${portB}/`,
      '--json',
    ]);
    running.push(a);
    await a.waitForLine((line) => line.includes('"listening"'));
    const answer = await post(`http://127.0.0.1:${portA}/`, buildTriggerMessage(), secret);
    expect(answer.status).toBe(508);
    expect(JSON.parse(answer.text)).toMatchObject({ ok: false, error: { code: 'FORWARD_LOOP' } });
    await a.waitForLine((line) => line.includes('FORWARD_LOOP'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A saw the delivery twice (from the sender, then back from B), B once: no loop.
    expect(listenRecords(a).map((r) => [r.status, r.code ?? null])).toEqual([
      [508, 'FORWARD_LOOP'],
      [508, null],
    ]);
    expect(listenRecords(b).map((r) => r.status)).toEqual([508]);
  });
});
