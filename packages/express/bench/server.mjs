/**
 * The benchmark's server process: one Express app (major chosen by argv[2]: 4 or 5) with three
 * POST routes that do the same work for the same signed delivery:
 *
 *   /baseline   express.raw() + node:crypto HMAC-SHA256 + timingSafeEqual + JSON.parse, by hand
 *   /middleware composioWebhook({ router, idempotency: false })
 *   /memory     composioWebhook({ router }) with the default in-memory dedupe store
 *
 * Every route answers 200 `{ ok: true, id }` with res.json. The parent talks to it over IPC
 * (scripts/bench/server-ipc.mjs).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { composioWebhook, createWebhookRouter } from '@composio-webhooks/express';
import { serveBenchIpc } from '../../../scripts/bench/server-ipc.mjs';

const major = process.argv[2] === '4' ? '4' : '5';
const { default: express } = await import(major === '4' ? 'express4' : 'express');
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const TOLERANCE = 3600;

const handled = { baseline: 0, middleware: 0, memory: 0 };
const app = express();
app.set('etag', false);
app.set('x-powered-by', false);

// The hand-written route: what a careful user writes without this library.
app.post('/baseline', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
  const id = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signature = req.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    res.status(401).json({ ok: false });
    return;
  }
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE) {
    res.status(401).json({ ok: false });
    return;
  }
  const expected = createHmac('sha256', secret)
    .update(`${id}.${timestamp}.`)
    .update(req.body)
    .digest();
  const valid = signature.split(' ').some((entry) => {
    if (!entry.startsWith('v1,')) return false;
    const given = Buffer.from(entry.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) {
    res.status(401).json({ ok: false });
    return;
  }
  let event;
  try {
    event = JSON.parse(req.body.toString('utf8'));
  } catch {
    res.status(400).json({ ok: false });
    return;
  }
  if (event.type === 'composio.trigger.message') handled.baseline += 1;
  res.json({ ok: true, id });
});

function webhook(key, options) {
  const router = createWebhookRouter().on('composio.trigger.message', () => {
    handled[key] += 1;
  });
  return composioWebhook({ secret, tolerance: TOLERANCE, router, logger: false, ...options });
}
app.post('/middleware', webhook('middleware', { idempotency: false }));
let memory = webhook('memory', {});
// A fresh receiver (and so a fresh dedupe store) for each measured round.
app.post('/memory', (req, res, next) => memory(req, res, next));

serveBenchIpc({
  handled,
  resetMemory() {
    memory = webhook('memory', {});
  },
});

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.address().port, major });
});
