/**
 * `listen`: a local receiver that verifies every request with core's receiver and prints it —
 * verified, or the exact code and reason it was rejected. It can record what it accepts
 * (`--record`, for `replay`) and forward it, re-signed, to a local app (`--forward-to`).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_BODY_BYTES, SECRET_ENV_VAR } from '@composio-webhooks/core';
import {
  expectPositionals,
  flag,
  integerValue,
  stringValue,
  UsageError,
  urlValue,
} from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { signDelivery } from '../http.js';
import { type Answer, createListener, type ListenRecord } from '../listener.js';
import { openRecorder, type Recorder } from '../recording.js';
import { secretFormatOption, secretOption } from '../secret-options.js';
import { shellQuote } from '../shell.js';

export const listenCommand: Command = {
  name: 'listen',
  summary:
    'Run a local receiver that prints each delivery, verified or with the exact rejection reason.',
  help: `Usage: composio-webhooks listen [--port 3000] [--host 127.0.0.1] [--secret <s>]... [--secret-format raw|standard]
         [--tolerance <seconds>] [--max-body <bytes>] [--forward-to <url> [--forward-secret <s>]]
         [--record <file.jsonl>] [--quiet] [--json]

Accepts POSTs on any path, verifies them like your server would (same core) and answers with the
same status codes and bodies (a repeated webhook-id gets the adapters' "duplicate": true answer).
Pass --secret twice (new, then old) to check a rotation window.

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
  --forward-to <url>           re-sign each verified delivery and POST it to this URL
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
        forward,
        recorder,
      });
      const server = createServer((req, res) => {
        listener
          .handle(req)
          .then(({ answer, record }) => {
            respond(res, answer);
            print(ctx, record, flag(values, 'quiet'));
          })
          .catch((error: unknown) => {
            respond(res, {
              status: 500,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ ok: false, error: { code: 'LISTENER_ERROR' } }),
            });
            out.note(`listen: ${error instanceof Error ? error.message : String(error)}`);
          });
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
        const secretArg =
          source === '--secret' ? shellQuote(secrets[0] ?? '') : `"$${SECRET_ENV_VAR}"`;
        const formatArg = secretFormat === 'raw' ? '' : ` --secret-format ${secretFormat}`;
        out.line(
          out.style.dim(
            `Try: composio-webhooks send-test --url ${url}/webhooks/composio --secret ${secretArg}${formatArg}`,
          ),
        );
      }

      await waitForStop(io.stopSignal);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
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

function respond(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, { ...answer.headers, connection: 'close' });
  res.end(answer.body);
}

function print(ctx: CommandContext, r: ListenRecord, quiet: boolean): void {
  const { out } = ctx;
  if (out.json) {
    out.record(quiet ? { ...r, event: undefined } : r);
    return;
  }
  const { style } = out;
  const time = r.time.slice(11, 19);
  const head = `${style.dim(time)} ${r.verified ? style.green('✔') : style.red('✖')} ${r.status} ${r.method} ${r.path}`;
  if (!r.verified) {
    out.line(`${head}  ${r.id ?? '(no webhook-id)'}  ${style.red(String(r.code))}`);
    out.line(`         ${r.reason}`);
    return;
  }
  const slug = r.triggerSlug ? ` ${r.triggerSlug}` : '';
  const attempt = r.attempt === null || r.attempt === undefined ? '' : `, attempt ${r.attempt}`;
  const duplicate =
    r.duplicateOfMsAgo === null || r.duplicateOfMsAgo === undefined
      ? ''
      : style.yellow(
          `  duplicate webhook-id (first seen ${Math.round(r.duplicateOfMsAgo / 1000)} s ago)`,
        );
  out.line(
    `${head}  ${r.id}  ${style.cyan(String(r.type))}${slug}  (${r.version}${attempt})${duplicate}${forwarded(ctx, r)}`,
  );
  if (!quiet && r.event !== undefined) {
    for (const line of JSON.stringify(r.event, null, 2).split('\n'))
      out.line(`         ${style.dim(line)}`);
  }
}

/** `  → 200 http://…  12 ms`: the target's answer, on the same line. */
function forwarded(ctx: CommandContext, r: ListenRecord): string {
  const f = r.forward;
  if (!f) return '';
  const { style } = ctx.out;
  if (f.status === null) return `  ${style.red('→ ✖')} ${f.url}  ${style.red(f.error ?? '')}`;
  const ok = f.status >= 200 && f.status < 300;
  const mark = ok ? style.green(`→ ${f.status}`) : style.red(`→ ${f.status}`);
  const code = f.code ? ` ${f.code}` : f.duplicate ? ' duplicate' : '';
  return `  ${mark}${code} ${f.url}  ${f.durationMs} ms`;
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
