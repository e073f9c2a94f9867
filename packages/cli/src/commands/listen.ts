/**
 * `listen`: a local receiver that verifies every request with core's `createWebhookVerifier`
 * and prints it — verified, or the exact code and reason it was rejected. A debugging aid for
 * "my signature never matches".
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createWebhookVerifier,
  DEFAULT_MAX_BODY_BYTES,
  isTriggerMessage,
  isWebhookError,
  type WebhookDelivery,
} from '@composio-webhooks/core';
import {
  choiceValue,
  expectPositionals,
  flag,
  integerValue,
  stringList,
  stringValue,
  UsageError,
} from '../args.js';
import type { Command, CommandContext } from '../context.js';
import { SECRET_ENV_VAR } from '../format.js';

interface Outcome {
  status: number;
  body: unknown;
  record: Record<string, unknown>;
  delivery?: WebhookDelivery;
}

export const listenCommand: Command = {
  name: 'listen',
  summary:
    'Run a local receiver that prints each delivery, verified or with the exact rejection reason.',
  help: `Usage: composio-webhooks listen [--port 3000] [--host 127.0.0.1] [--secret <s>]... [--secret-format raw|standard]
         [--tolerance <seconds>] [--max-body <bytes>] [--quiet] [--json]

Accepts POSTs on any path, verifies them like your server would (same core) and answers with the
same status codes. Pass --secret twice (new, then old) to check a rotation window.

Options:
  --port <n>             default 3000 (0 picks a free port)
  --host <h>             default 127.0.0.1
  --secret <s>           default: $${SECRET_ENV_VAR}; repeat for [new, old]
  --secret-format <f>    raw (default, Composio's) or standard (whsec_ + base64)
  --tolerance <s>        allowed clock difference in seconds (default 300, 0 = off)
  --max-body <bytes>     default 1048576 (1 MiB), like the adapters
  --quiet                one line per request, without the event
  --json                 one JSON object per request (NDJSON)`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    secret: { type: 'string', multiple: true },
    'secret-format': { type: 'string' },
    tolerance: { type: 'string' },
    'max-body': { type: 'string' },
    quiet: { type: 'boolean' },
  },
  async run(ctx) {
    const { values, command, out, io } = ctx;
    expectPositionals(ctx.positionals, command, { max: 0, names: '' });
    const port = integerValue(values, 'port', command, { min: 0, max: 65535 }) ?? 3000;
    const host = stringValue(values, 'host') ?? '127.0.0.1';
    const secrets =
      stringList(values, 'secret') ?? (io.env[SECRET_ENV_VAR] ? [io.env[SECRET_ENV_VAR]] : []);
    if (secrets.length === 0) {
      throw new UsageError(
        `No webhook secret: pass --secret <secret> or set ${SECRET_ENV_VAR}.`,
        command,
      );
    }
    const secretFormat =
      choiceValue(values, 'secret-format', ['raw', 'standard'] as const, command) ?? 'raw';
    const tolerance = integerValue(values, 'tolerance', command, { min: 0 });
    const maxBody = integerValue(values, 'max-body', command, { min: 1 }) ?? DEFAULT_MAX_BODY_BYTES;
    const verifier = createWebhookVerifier({ secret: secrets, secretFormat, tolerance });
    const seen = new Map<string, number>();

    const server = createServer((req, res) => {
      handle(req, maxBody, verifier, seen)
        .then((outcome) => {
          respond(res, outcome);
          print(ctx, outcome, flag(values, 'quiet'));
        })
        .catch((error: unknown) => {
          respond(res, {
            status: 500,
            body: { ok: false, error: { code: 'LISTENER_ERROR' } },
          });
          out.note(`listen: ${error instanceof Error ? error.message : String(error)}`);
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        throw new UsageError(`Port ${port} is already in use: pick another with --port.`, command);
      }
      throw error;
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${shownHost}:${address.port}`;
    if (out.json) {
      out.record({
        listening: url,
        secrets: secrets.length,
        secretFormat,
        tolerance: tolerance ?? 300,
      });
    } else {
      out.line(
        `${out.style.bold('Listening')} on ${url} (any path) — ${secrets.length} secret${secrets.length > 1 ? 's' : ''}, ${secretFormat} format, tolerance ${tolerance ?? 300} s. Ctrl+C to stop.`,
      );
      out.line(out.style.dim(`Try: composio-webhooks send-test --url ${url}/webhooks/composio`));
    }

    await waitForStop(io.stopSignal);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!out.json) out.line(out.style.dim('Stopped.'));
    return 0;
  },
};

async function handle(
  req: IncomingMessage,
  maxBody: number,
  verifier: ReturnType<typeof createWebhookVerifier>,
  seen: Map<string, number>,
): Promise<Outcome> {
  const base = { time: new Date().toISOString(), method: req.method ?? '', path: req.url ?? '/' };
  const reject = (status: number, code: string, reason: string): Outcome => ({
    status,
    body: { ok: false, error: { code, message: reason } },
    record: {
      ...base,
      status,
      verified: false,
      id: header(req, 'webhook-id') ?? null,
      code,
      reason,
    },
  });
  if (req.method !== 'POST') {
    req.resume();
    return reject(405, 'METHOD_NOT_ALLOWED', 'Composio delivers webhooks with POST.');
  }
  const body = await readBody(req, maxBody);
  if (body === undefined) {
    return reject(
      413,
      'PAYLOAD_TOO_LARGE',
      `The body is larger than --max-body (${maxBody} bytes).`,
    );
  }
  let delivery: WebhookDelivery;
  try {
    delivery = await verifier.verify(body, req.headers);
  } catch (error) {
    if (isWebhookError(error)) return reject(error.status, error.code, error.message);
    throw error;
  }
  const firstSeen = seen.get(delivery.id);
  if (firstSeen === undefined) {
    seen.set(delivery.id, Date.now());
    if (seen.size > 10_000) seen.delete(seen.keys().next().value ?? '');
  }
  const event = delivery.event;
  return {
    status: 200,
    body: { ok: true, id: delivery.id },
    delivery,
    record: {
      ...base,
      status: 200,
      verified: true,
      id: delivery.id,
      version: delivery.version,
      attempt: delivery.attempt ?? null,
      type: event.type,
      triggerSlug: isTriggerMessage(event) ? event.metadata.trigger_slug : null,
      duplicateOfMsAgo: firstSeen === undefined ? null : Date.now() - firstSeen,
      event,
    },
  };
}

function respond(res: ServerResponse, outcome: Pick<Outcome, 'status' | 'body'>): void {
  if (res.headersSent) return;
  res.writeHead(outcome.status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify(outcome.body));
}

function print(ctx: CommandContext, outcome: Outcome, quiet: boolean): void {
  const { out } = ctx;
  const r = outcome.record;
  if (out.json) {
    out.record(quiet ? { ...r, event: undefined } : r);
    return;
  }
  const time = String(r.time).slice(11, 19);
  const head = `${out.style.dim(time)} ${r.verified ? out.style.green('✔') : out.style.red('✖')} ${outcome.status} ${r.method} ${r.path}`;
  if (!r.verified) {
    out.line(`${head}  ${r.id ?? '(no webhook-id)'}  ${out.style.red(String(r.code))}`);
    out.line(`         ${r.reason}`);
    return;
  }
  const slug = r.triggerSlug ? ` ${r.triggerSlug}` : '';
  const attempt = r.attempt === null ? '' : `, attempt ${r.attempt}`;
  const duplicate =
    r.duplicateOfMsAgo === null
      ? ''
      : out.style.yellow(
          `  duplicate webhook-id (first seen ${Math.round(Number(r.duplicateOfMsAgo) / 1000)} s ago)`,
        );
  out.line(
    `${head}  ${r.id}  ${out.style.cyan(String(r.type))}${slug}  (${r.version}${attempt})${duplicate}`,
  );
  if (!quiet) {
    for (const line of JSON.stringify(outcome.delivery?.event, null, 2).split('\n'))
      out.line(`         ${out.style.dim(line)}`);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as bytes, or `undefined` when it exceeds `limit` (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
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
