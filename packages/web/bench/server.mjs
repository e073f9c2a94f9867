/**
 * The benchmark's server process, on Node (argv[2] `node`: @hono/node-server) or Bun (`bun`:
 * Bun.serve), with three POST routes served by the same server that do the same work for the
 * same signed delivery:
 *
 *   /baseline   by hand: request.arrayBuffer() + HMAC-SHA256 (node:crypto on Node, WebCrypto
 *               on Bun) + constant-time compare + JSON.parse
 *   /middleware composioWebhook({ router, idempotency: false })
 *   /memory     composioWebhook({ router }) with the default in-memory dedupe store
 *
 * Every route answers 200 `{ ok: true, id }` with Response.json. The parent talks to it over IPC.
 */
import { composioWebhook, createWebhookRouter } from '../dist/index.js';

const runtime = process.argv[2] === 'bun' ? 'bun' : 'node';
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const TOLERANCE = 3600;
const encoder = new TextEncoder();
const handled = { baseline: 0, middleware: 0, memory: 0 };
const refuse = (status) => Response.json({ ok: false }, { status });

/** HMAC by hand: node:crypto on Node, WebCrypto on Bun (what a careful user writes there). */
async function makeVerify() {
  if (runtime === 'node') {
    const { createHmac, timingSafeEqual } = await import('node:crypto');
    return (id, timestamp, body, given) => {
      const expected = createHmac('sha256', secret)
        .update(`${id}.${timestamp}.`)
        .update(body)
        .digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
  }
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  return (id, timestamp, body, given) => {
    const head = encoder.encode(`${id}.${timestamp}.`);
    const data = new Uint8Array(head.byteLength + body.byteLength);
    data.set(head, 0);
    data.set(body, head.byteLength);
    return crypto.subtle.verify('HMAC', key, given, data);
  };
}
const verify = await makeVerify();

function base64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function baseline(request) {
  const id = request.headers.get('webhook-id');
  const timestamp = request.headers.get('webhook-timestamp');
  const signature = request.headers.get('webhook-signature');
  if (!id || !timestamp || !signature) return refuse(401);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE) return refuse(401);
  const body = new Uint8Array(await request.arrayBuffer());
  let valid = false;
  for (const entry of signature.split(' ')) {
    if (entry.startsWith('v1,') && (await verify(id, timestamp, body, base64(entry.slice(3))))) {
      valid = true;
      break;
    }
  }
  if (!valid) return refuse(401);
  let event;
  try {
    event = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return refuse(400);
  }
  if (event.type === 'composio.trigger.message') handled.baseline += 1;
  return Response.json({ ok: true, id });
}

function webhook(key, options) {
  const router = createWebhookRouter().on('composio.trigger.message', () => {
    handled[key] += 1;
  });
  return composioWebhook({ secret, tolerance: TOLERANCE, router, logger: false, ...options });
}
const middleware = webhook('middleware', { idempotency: false });
let memory = webhook('memory', {});

function fetchHandler(request) {
  const { pathname } = new URL(request.url);
  if (pathname === '/baseline') return baseline(request);
  if (pathname === '/middleware') return middleware(request);
  // A fresh handler (and so a fresh dedupe store) for each measured round.
  if (pathname === '/memory') return memory(request);
  return refuse(404);
}

process.on('message', (message) => {
  if (message.type === 'reset-memory') {
    memory = webhook('memory', {});
    process.send({ type: 'reset' });
  } else if (message.type === 'counts') {
    const cpu = process.cpuUsage();
    process.send({ type: 'counts', handled: { ...handled }, cpuMicros: cpu.user + cpu.system });
  }
});

if (runtime === 'bun') {
  const server = globalThis.Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: fetchHandler });
  process.send({ type: 'listening', port: server.port, major: runtime });
} else {
  const { serve } = await import('@hono/node-server');
  const server = serve({ fetch: fetchHandler, hostname: '127.0.0.1', port: 0 }, (info) => {
    process.send({ type: 'listening', port: info.port, major: runtime });
  });
  void server;
}
