/**
 * The benchmark's server process: one Fastify app (major chosen by argv[2]: 4 or 5) with three
 * POST routes that do the same work for the same signed delivery:
 *
 *   /baseline   a raw buffer content-type parser + node:crypto HMAC-SHA256 + timingSafeEqual +
 *               JSON.parse, by hand, in its own encapsulated context (what a careful user writes)
 *   /middleware the composioWebhooks plugin with { router, idempotency: false }
 *   /memory     the composioWebhooks plugin with the default in-memory dedupe store
 *
 * Every route answers 200 `{ ok: true, id }` as JSON. The parent talks to it over IPC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  composioWebhooks,
  createWebhookRouter,
  MemoryIdempotencyStore,
} from '@composio-webhooks/fastify';

const major = process.argv[2] === '4' ? '4' : '5';
const { default: Fastify } = await import(major === '4' ? 'fastify4' : 'fastify');
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const TOLERANCE = 3600;

const handled = { baseline: 0, middleware: 0, memory: 0 };
const app = Fastify({ logger: false });

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
// A fresh dedupe store for each measured round, behind one registered route.
let store = new MemoryIdempotencyStore();
await app.register(composioWebhooks, {
  ...common,
  router: router('memory'),
  path: '/memory',
  idempotency: {
    claim: (id) => store.claim(id),
    complete: (id, token) => store.complete(id, token),
    release: (id, token) => store.release(id, token),
    renew: (id, token) => store.renew(id, token),
    get leaseMs() {
      return store.leaseMs;
    },
  },
});

process.on('message', (message) => {
  if (message.type === 'reset-memory') {
    store = new MemoryIdempotencyStore();
    process.send({ type: 'reset' });
  } else if (message.type === 'counts') {
    const cpu = process.cpuUsage();
    process.send({ type: 'counts', handled: { ...handled }, cpuMicros: cpu.user + cpu.system });
  }
});

await app.listen({ port: 0, host: '127.0.0.1' });
process.send({ type: 'listening', port: app.server.address().port, major });
