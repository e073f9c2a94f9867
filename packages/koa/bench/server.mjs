/**
 * The benchmark's server process: one Koa app (major chosen by argv[2]: 2 or 3) with three
 * POST paths that do the same work for the same signed delivery:
 *
 *   /baseline   read ctx.req by hand + node:crypto HMAC-SHA256 + timingSafeEqual + JSON.parse
 *   /middleware composioWebhook({ router, idempotency: false, path })
 *   /memory     composioWebhook({ router, path }) with the default in-memory dedupe store
 *
 * Every path answers 200 `{ ok: true, id }` as JSON. The parent talks to it over IPC
 * (scripts/bench/server-ipc.mjs).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/koa';
import { serveBenchIpc } from '../../../scripts/bench/server-ipc.mjs';

const major = process.argv[2] === '2' ? '2' : '3';
const { default: Koa } = await import(major === '2' ? 'koa2' : 'koa');
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const TOLERANCE = 3600;
const LIMIT = 1024 * 1024;

const handled = { baseline: 0, middleware: 0, memory: 0 };

// The hand-written route: what a careful user writes without this library.
async function baseline(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > LIMIT) {
      ctx.status = 413;
      ctx.body = { ok: false };
      return;
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const id = ctx.get('webhook-id');
  const timestamp = ctx.get('webhook-timestamp');
  const signature = ctx.get('webhook-signature');
  if (!id || !timestamp || !signature) {
    ctx.status = 401;
    ctx.body = { ok: false };
    return;
  }
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE) {
    ctx.status = 401;
    ctx.body = { ok: false };
    return;
  }
  const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest();
  const valid = signature.split(' ').some((entry) => {
    if (!entry.startsWith('v1,')) return false;
    const given = Buffer.from(entry.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) {
    ctx.status = 401;
    ctx.body = { ok: false };
    return;
  }
  let event;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    ctx.status = 400;
    ctx.body = { ok: false };
    return;
  }
  if (event.type === 'composio.trigger.message') handled.baseline += 1;
  ctx.body = { ok: true, id };
}

function webhook(key, options) {
  const router = createWebhookRouter().on('composio.trigger.message', () => {
    handled[key] += 1;
  });
  return composioWebhook({
    secret,
    tolerance: TOLERANCE,
    router,
    logger: false,
    path: `/${key}`,
    ...options,
  });
}

const middleware = webhook('middleware', { idempotency: false });
let memory = webhook('memory', {});

const app = new Koa();
app.use((ctx, next) => (ctx.path === '/baseline' ? baseline(ctx) : next()));
app.use(middleware);
// A fresh receiver (and so a fresh dedupe store) for each measured round.
app.use((ctx, next) => memory(ctx, next));

serveBenchIpc({
  handled,
  resetMemory() {
    memory = webhook('memory', {});
  },
});

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port, major });
});
