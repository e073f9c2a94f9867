/**
 * `listen`: a local receiver on core's exchange (the adapters' answers) that prints every
 * request — verified, or the exact code and reason it was refused. It can record what it accepts
 * (`--record`, for `replay`) and forward it, re-signed, to a local app (`--forward-to`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_BODY_BYTES, SECRET_ENV_VAR } from '@composio-webhooks/core/adapter';
import {
  expectPositionals,
  flag,
  integerValue,
  stringValue,
  UsageError,
  urlValue,
} from '../args.js';
import type { Command } from '../context.js';
import { isOwnAddress } from '../forward.js';
import { signDelivery } from '../http.js';
import { print } from '../listen-print.js';
import { createListener } from '../listener.js';
import { openRecorder, type Recorder } from '../recording.js';
import { secretFormatOption, secretOption } from '../secret-options.js';
import { shellQuote } from '../shell.js';

export const listenCommand: Command = {
  name: 'listen',
  summary:
    'Run a local receiver that prints each delivery, verified or with the exact rejection reason.',
  help: `Usage: composio-webhooks listen [--port 3000] [--host 127.0.0.1] [--secret <s>]... [--secret-format raw|standard]
         [--tolerance <seconds>] [--max-body <bytes>] [--body-timeout <ms>]
         [--forward-to <url> [--forward-secret <s>]] [--record <file.jsonl>] [--quiet] [--json]

Accepts POSTs on any path and runs them through the same exchange as every adapter (same core),
so it answers with the same status codes and bodies: a repeated webhook-id gets the adapters'
"duplicate": true answer, a gzip body 415, a charset other than UTF-8 400. The sender gets the
documented answer only; why a request was refused is printed here. Pass --secret twice (new,
then old) to check a rotation window.

With --forward-to, each verified delivery is signed again for the target (same body and
webhook-id, fresh timestamp, --forward-secret) and POSTed there; the sender gets the target's
answer, and both answers are printed on one line. So one public endpoint (or a tunnel to this
port) can feed a local app.

Options:
  --port <n>                   default 3000 (0 picks a free port)
  --host <h>                   default 127.0.0.1
  --secret <s>                 default: $${SECRET_ENV_VAR}; repeat for [new, old]
  --secret-format <f>          raw (default, Composio's) or standard (whsec_ + base64)
  --tolerance <s>              allowed clock difference in seconds (default 300, 0 = off)
  --max-body <bytes>           default 1048576 (1 MiB), like the adapters
  --body-timeout <ms>          a body still arriving after this is answered 408 (default 10000)
  --forward-to <url>           re-sign each verified delivery and POST it to this URL (never to
                               this listen itself; redirects are not followed)
  --forward-secret <s>         the target's secret (default: the first --secret)
  --forward-secret-format <f>  raw or standard (default: --secret-format)
  --forward-timeout <ms>       how long to wait for the target (default 10000)
  --record <file.jsonl>        append each verified delivery (headers and raw body) to the file,
                               for "composio-webhooks replay"
  --quiet                      one line per request, without the event
  --json                       one JSON object per request (NDJSON)`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    secret: { type: 'string', multiple: true },
    'secret-format': { type: 'string' },
    tolerance: { type: 'string' },
    'max-body': { type: 'string' },
    'body-timeout': { type: 'string' },
    'forward-to': { type: 'string' },
    'forward-secret': { type: 'string' },
    'forward-secret-format': { type: 'string' },
    'forward-timeout': { type: 'string' },
    record: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  async run(ctx) {
    const { values, command, out, io } = ctx;
    expectPositionals(ctx.positionals, command, { max: 0, names: '' });
    const port = integerValue(values, 'port', command, { min: 0, max: 65535 }) ?? 3000;
    const host = stringValue(values, 'host') ?? '127.0.0.1';
    const { secrets, source, format: secretFormat } = secretOption(ctx);
    const tolerance = integerValue(values, 'tolerance', command, { min: 0 });
    const maxBody = integerValue(values, 'max-body', command, { min: 1 }) ?? DEFAULT_MAX_BODY_BYTES;
    const bodyTimeoutMs = integerValue(values, 'body-timeout', command, { min: 1 });
    const forwardTo = urlValue(values, 'forward-to', command);
    for (const name of ['forward-secret', 'forward-secret-format', 'forward-timeout']) {
      if (forwardTo === undefined && values[name] !== undefined) {
        throw new UsageError(`--${name} only applies with --forward-to <url>.`, command);
      }
    }
    const forward =
      forwardTo === undefined
        ? undefined
        : {
            url: forwardTo,
            secret: stringValue(values, 'forward-secret') ?? secrets[0] ?? '',
            secretFormat:
              secretFormatOption(values, 'forward-secret-format', command) ?? secretFormat,
            timeoutMs: integerValue(values, 'forward-timeout', command, { min: 1 }) ?? 10_000,
          };
    if (forward?.secret === '') {
      throw new UsageError('--forward-secret is empty: give the target app’s secret.', command);
    }
    // A secret that cannot sign (e.g. not whsec_ + base64 in the standard format) fails now.
    if (forward) {
      await signDelivery({ body: '{}', ...forward, via: 'listen --forward-to' });
    }
    const recordPath = stringValue(values, 'record');
    const recorder = recordPath === undefined ? undefined : openRecorder(recordPath, command);
    try {
      const listener = createListener({
        secrets,
        secretFormat,
        tolerance,
        maxBody,
        bodyTimeoutMs,
        forward,
        recorder,
      });
      const server = createServer((req, res) => {
        listener.handle(req, res).then(
          (record) => print(ctx, record, flag(values, 'quiet')),
          (error: unknown) => {
            if (!res.headersSent) {
              res.writeHead(500, { 'content-type': 'application/json', connection: 'close' });
              res.end(JSON.stringify({ ok: false, error: { code: 'LISTENER_ERROR' } }));
            }
            out.note(`listen: ${error instanceof Error ? error.message : String(error)}`);
          },
        );
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          throw new UsageError(
            `Port ${port} is already in use: pick another with --port.`,
            command,
          );
        }
        throw error;
      });
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}`;
      if (forward && (await isOwnAddress(forward.url, address))) {
        await close(server);
        throw new UsageError(
          `--forward-to ${forward.url} is this listen itself (${url}): every delivery would be forwarded back to it, in a loop. Point --forward-to at your app (e.g. http://127.0.0.1:3000/webhooks/composio) and give listen another --port.`,
          command,
        );
      }
      const tolerated = tolerance ?? 300;
      if (out.json) {
        out.record({
          listening: url,
          secrets: secrets.length,
          secretFormat,
          tolerance: tolerated,
          ...(forward && { forwardTo: forward.url }),
          ...(recorder && { record: recorder.path }),
        });
      } else {
        const count = `${secrets.length} secret${secrets.length > 1 ? 's' : ''}`;
        out.line(
          `${out.style.bold('Listening')} on ${url} (any path) — ${count}, ${secretFormat} format, tolerance ${tolerated} s. Ctrl+C to stop.`,
        );
        if (forward) out.line(`Forwarding verified deliveries to ${forward.url}, signed again.`);
        if (recorder) out.line(`Recording verified deliveries to ${recorder.path}.`);
        // Never the secret itself: terminals are shared, recorded and pasted into issues.
        const secretArg =
          source === '--secret' ? '<the --secret given to listen>' : `"$${SECRET_ENV_VAR}"`;
        const formatArg = secretFormat === 'raw' ? '' : ` --secret-format ${secretFormat}`;
        out.line(
          out.style.dim(
            `Try: composio-webhooks send-test --url ${url}/webhooks/composio --secret ${secretArg}${formatArg}`,
          ),
        );
      }

      await waitForStop(io.stopSignal);
      await close(server);
      if (!out.json) {
        if (recorder) out.line(out.style.dim(recordedLine(recorder)));
        out.line(out.style.dim('Stopped.'));
      }
      return 0;
    } finally {
      recorder?.close();
    }
  },
};

function recordedLine(recorder: Recorder): string {
  const n = recorder.count;
  return `Recorded ${n} deliver${n === 1 ? 'y' : 'ies'} to ${recorder.path}: composio-webhooks replay ${shellQuote(recorder.path)} --url <url>`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
