// What trigger data validation costs: receive() of a signed ~1 KB GITHUB_PULL_REQUEST_EVENT by
// the BUILT receiver with `triggerValidators` (Ajv standalone code, as `composio-webhooks generate
// validators` writes it) against the same receiver without validators, in the same run.
// Target (issue 17): validation adds <= 10 % to receive time, judged on paired batches (see below;
// robust under machine load); tinybench rounds and the validator alone are printed for reference.
// Run after `pnpm build` with --expose-gc (`pnpm bench` does both).
//
// Environment: BENCH_TIME=<ms per task> (default 3000), BENCH_ROUNDS (default 7), BENCH_PAIRS (400),
// BENCH_ENFORCE=1 exits 1 above target.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { batchOf, median, requireBenchSetup, runRounds } from './batch.mjs';

requireBenchSetup();
const { createWebhookReceiver, createWebhookRouter, signWebhook } = await import(
  '../dist/index.js'
);
const { buildTriggerMessage } = await import('../dist/testing.js');

const TARGET = 1.1;
const TIME = Number(process.env.BENCH_TIME ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECRET = 'composio-bench-secret-7f3a9c1e5b';
const SLUG = 'GITHUB_PULL_REQUEST_EVENT';

// The saved trigger types answer the examples and tests use; compiled to a standalone module.
const saved = JSON.parse(
  readFileSync(new URL('../../../fixtures/trigger-types/github.json', import.meta.url), 'utf8'),
);
const ajv = new Ajv({ code: { source: true, esm: true }, strict: false, validateFormats: false });
for (const t of saved.items) ajv.addSchema(t.payload, t.slug);
const dir = mkdtempSync(join(tmpdir(), 'composio-bench-validators-'));
const file = join(dir, 'validators.mjs');
writeFileSync(
  file,
  `${standaloneCode.default(ajv, Object.fromEntries(saved.items.map((t, i) => [`v${i}`, t.slug])))}\n` +
    `export const triggerValidators = {${saved.items.map((t, i) => `${JSON.stringify(t.slug)}: { validate: v${i}, toolkit: ${JSON.stringify(t.toolkit.slug)}, version: ${JSON.stringify(t.version)} }`).join(', ')}};\n`,
);
const { triggerValidators } = await import(pathToFileURL(file).href);
rmSync(dir, { recursive: true, force: true });

/** A pull request event of exactly `bytes` bytes (the body text fills it). */
function pullRequestOfSize(bytes) {
  const event = buildTriggerMessage({
    slug: SLUG,
    data: {
      action: 'opened',
      number: 1347,
      title: 'Validate trigger data against the published schema',
      body: '',
      user: { login: 'octocat', id: 583231 },
      labels: ['enhancement', 'types'],
      merged: false,
    },
  });
  const size = Buffer.byteLength(JSON.stringify(event));
  event.data.body = 'x'.repeat(bytes - size);
  const body = JSON.stringify(event);
  if (Buffer.byteLength(body) !== bytes) throw new Error('size mismatch');
  return body;
}

const signed = await signWebhook({ payload: pullRequestOfSize(1024), secret: SECRET });
const body = Buffer.from(signed.body, 'utf8');
const request = { body, headers: { ...signed.headers } };

let handled = 0;
const receiverOf = (extra) =>
  createWebhookReceiver({
    secret: SECRET,
    // Dedupe off: the same signed delivery is received again and again.
    idempotency: false,
    logger: false,
    router: createWebhookRouter().onTrigger(SLUG, () => {
      handled++;
    }),
    ...extra,
  });
const plain = receiverOf({});
const validated = receiverOf({ triggerValidators, triggerMismatch: 'strict' });

// Both must process the delivery (strict: a mismatch would be a 400, not a cheap fast path).
for (const receiver of [plain, validated]) {
  const response = await receiver.receive(request);
  if (response.status !== 200) throw new Error(`receive answered ${response.status}`);
}
const invalid = await validated.receive(
  await signWebhook({
    payload: buildTriggerMessage({ slug: SLUG, data: { number: 'x' } }),
    secret: SECRET,
  }),
);
if (invalid.status !== 400) throw new Error('the validators did not reject bad data');

const data = JSON.parse(signed.body).data;
const validator = triggerValidators[SLUG].validate;
// [name, fn, async?]; the third is the validator call alone, for its absolute cost.
const tasks = [
  ['receive, no validators (baseline)', () => plain.receive(request), true],
  ['receive, triggerValidators (strict)', () => validated.receive(request), true],
  ['the validator alone (1 KB data)', () => validator(data), false],
];
const perTask = tasks.map(() => ({ ops: [], ratio: [] }));
const batches = tasks.map(([, fn, isAsync]) => batchOf(fn, isAsync));
const rounds = await runRounds(
  batches.map((batch) => batch.run),
  { rounds: ROUNDS, time: TIME, label: 'trigger validation' },
);
for (const { ops } of rounds) {
  for (let i = 0; i < tasks.length; i++) {
    perTask[i].ops.push(ops[i]);
    // Time ratio: how much longer a receive takes than the baseline's.
    perTask[i].ratio.push(ops[0] / ops[i]);
  }
}

console.log(
  `\nTrigger data validation, Node ${process.version}: receive() of a signed ${body.length}-byte ${SLUG} (median of ${ROUNDS} rounds, CPU time)`,
);
console.table(
  tasks.map(([name], i) => ({
    task: name,
    'ops/s (CPU)': Math.round(median(perTask[i].ops)).toLocaleString('en-US'),
    'µs/op (CPU)': (1e6 / median(perTask[i].ops)).toFixed(2),
    'time vs baseline': `${median(perTask[i].ratio).toFixed(3)}×`,
  })),
);
// The target figure: paired batches. Under machine load the speed drifts between tinybench rounds;
// here a batch of the baseline and a batch with validators run back to back (order alternating),
// PAIRS times, and the figure is the median of the per-pair CPU-time ratios.
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
async function cpuOf(fn, calls) {
  const start = cpu();
  for (let i = 0; i < calls; i++) await fn();
  return cpu() - start;
}
const PAIRS = Number(process.env.BENCH_PAIRS ?? 400);
const CALLS = 200;
const pairRatios = [];
for (let pair = 0; pair < PAIRS; pair++) {
  let plainCpu;
  let validatedCpu;
  if (pair % 2 === 0) {
    plainCpu = await cpuOf(tasks[0][1], CALLS);
    validatedCpu = await cpuOf(tasks[1][1], CALLS);
  } else {
    validatedCpu = await cpuOf(tasks[1][1], CALLS);
    plainCpu = await cpuOf(tasks[0][1], CALLS);
  }
  if (plainCpu > 0) pairRatios.push(validatedCpu / plainCpu);
}
const ratio = median(pairRatios);
console.log(
  `Paired batches (${PAIRS} pairs of ${CALLS} receives, alternating order): receive time with validators = ${ratio.toFixed(3)}× without (median of per-pair ratios).`,
);
const ok = ratio <= TARGET;
console.log(
  `Target: validation adds <= ${Math.round((TARGET - 1) * 100)} % to receive time: ${((ratio - 1) * 100).toFixed(1)} %  ${ok ? 'ok' : 'ABOVE TARGET'} (${handled} deliveries handled)`,
);
if (!ok && process.env.BENCH_ENFORCE === '1') process.exit(1);
