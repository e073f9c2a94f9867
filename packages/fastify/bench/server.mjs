/**
 * The benchmark's server process: one Fastify app (major chosen by argv[2]: 4 or 5) with three
 * POST routes that do the same work for the same signed delivery:
 *
 *   /baseline   a raw buffer content-type parser + node:crypto HMAC-SHA256 + timingSafeEqual +
 *               JSON.parse, by hand, in its own encapsulated context (what a careful user writes)
 *   /middleware the composioWebhooks plugin with { router, idempotency: false }
 *   /memory     the composioWebhooks plugin with the default in-memory dedupe store (a fresh
 *               plugin instance, and so a fresh store, for each measured round: routes
 *               /memory/0…, which `rewriteUrl` points /memory at; every route pays that call)
 *
 * Every route answers 200 `{ ok: true, id }` as JSON. The parent talks to it over IPC
 * (scripts/bench/server-ipc.mjs).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { composioWebhooks, createWebhookRouter } from '@composio-webhooks/fastify';
import { serveBenchIpc } from '../../../scripts/bench/server-ipc.mjs';

const major = process.argv[2] === '4' ? '4' : '5';
const { default: Fastify } = await import(major === '4' ? 'fastify4' : 'fastify');
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const TOLERANCE = 3600;

const handled = { baseline: 0, middleware: 0, memory: 0 };
/** Plugin instances with a store of their own: one per measured round (and the warm-up). */
const GENERATIONS = Number(process.env.BENCH_ROUNDS ?? 7) + 2;
let generation = 0;
let memoryUrl = '/memory/0';
const app = Fastify({
  logger: false,
  rewriteUrl: (request) => (request.url === '/memory' ? memoryUrl : request.url),
});

// The hand-written route: what a careful user writes without this library.
await app.register(async (scope) => {
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );
  scope.post('/baseline', async (request, reply) => {
    const id = request.headers['webhook-id'];
    const timestamp = request.headers['webhook-timestamp'];
    const signature = request.headers['webhook-signature'];
    if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
      return reply.code(401).send({ ok: false });
    }
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE) {
      return reply.code(401).send({ ok: false });
    }
    const expected = createHmac('sha256', secret)
      .update(`${id}.${timestamp}.`)
      .update(request.body)
      .digest();
    const valid = signature.split(' ').some((entry) => {
      if (!entry.startsWith('v1,')) return false;
      const given = Buffer.from(entry.slice(3), 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!valid) return reply.code(401).send({ ok: false });
    let event;
    try {
      event = JSON.parse(request.body.toString('utf8'));
    } catch {
      return reply.code(400).send({ ok: false });
    }
    if (event.type === 'composio.trigger.message') handled.baseline += 1;
    return { ok: true, id };
  });
});

function router(key) {
  return createWebhookRouter().on('composio.trigger.message', () => {
    handled[key] += 1;
  });
}
const common = { secret, tolerance: TOLERANCE, logger: false };
await app.register(composioWebhooks, {
  ...common,
  router: router('middleware'),
  idempotency: false,
  path: '/middleware',
});
for (let i = 0; i < GENERATIONS; i++) {
  await app.register(composioWebhooks, {
    ...common,
    router: router('memory'),
    path: `/memory/${i}`,
  });
}

serveBenchIpc({
  handled,
  resetMemory() {
    generation = (generation + 1) % GENERATIONS;
    memoryUrl = `/memory/${generation}`;
  },
});

await app.listen({ port: 0, host: '127.0.0.1' });
process.send({ type: 'listening', port: app.server.address().port, major });
