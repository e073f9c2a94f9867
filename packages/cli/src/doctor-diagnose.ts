/**
 * What `doctor`'s answers mean: each known way of setting an endpoint up wrong leaves a pattern
 * in the probes' answers; this finds the patterns and says how to fix each. Every failed probe
 * ends up explained (a root cause hides the failures that follow from it).
 */
import type { ProbeKey, ProbeResult } from './doctor-probes.js';
import { got, ok, rootCause } from './doctor-root-cause.js';
import { formatBytes } from './format.js';

export type DiagnosisId =
  | 'not-a-webhook-route'
  | 'json-parser-first'
  | 'content-type-dependent'
  | 'body-parser-limit'
  | 'webhook-body-limit'
  | 'no-dedupe'
  | 'secret-format-mixup'
  | 'wrong-secret'
  | 'clock-off'
  | 'headers-stripped'
  | 'handler-failed'
  | 'non-2xx-on-success'
  | 'no-signature-check'
  | 'no-timestamp-check'
  | 'malformed-accepted'
  | 'no-body-limit'
  | 'unexpected-answer';

export interface Diagnosis {
  id: DiagnosisId;
  title: string;
  detail: string;
  fix: string;
  /** The probes it explains. */
  probes: ProbeKey[];
}

export interface DiagnoseInput {
  results: readonly ProbeResult[];
  tolerance: number;
  maxBody: number;
  /** Seconds the endpoint's `Date` header is ahead of this machine (negative: behind). */
  clockOffset: number | undefined;
}

const PARSER_LIMIT_FIX =
  "Express: mount the webhook route before express.json(), or raise its limit (express.json({ limit: '1mb' })).";
const NEST_LIMIT_FIX =
  'NestJS: serve the webhook with ComposioWebhooksModule’s route, or put ComposioWebhookGuard on your ' +
  'controller: both read the raw body themselves, so Nest’s 100 KB JSON parser never sees it.';

export function diagnose(input: DiagnoseInput): Diagnosis[] {
  const { results } = input;
  const r = (key: ProbeKey) => results.find((result) => result.key === key);
  const valid = r('valid');
  const found: Diagnosis[] = [];
  const add = (d: Diagnosis) => found.push(d);
  if (valid === undefined) return found;
  const wrong = r('wrong-secret');

  if (!ok(valid)) {
    const cause = rootCause(input, valid);
    if (cause) add(cause);
    // A root cause of the valid probe's failure also explains every probe answered the same way.
    const root = found[0];
    if (root) {
      for (const x of results) {
        if (x.status === valid.status && x.code === valid.code && !root.probes.includes(x.key)) {
          root.probes.push(x.key);
        }
      }
    }
  } else {
    const duplicate = r('duplicate');
    if (duplicate && !duplicate.passed) {
      add({
        id: ok(duplicate) ? 'no-dedupe' : 'unexpected-answer',
        title: ok(duplicate)
          ? 'No deduplication: a retry of a processed delivery ran its handlers again'
          : `A retry of a processed delivery was answered ${got(duplicate)}`,
        detail:
          'Composio retries with the same webhook-id. The endpoint answered the retry ' +
          `${got(duplicate)} instead of 200 with "duplicate": true.`,
        fix:
          'Keep deduplication on: do not pass idempotency: false (the default store is in memory; ' +
          'use @composio-webhooks/redis when several instances serve the endpoint).',
        probes: ['duplicate'],
      });
    }
    const text = r('text-plain');
    if (text && !text.passed) {
      add({
        id: 'content-type-dependent',
        title: `A valid delivery sent as text/plain was answered ${got(text)}: the endpoint depends on the content type`,
        detail:
          'The same delivery as application/json was accepted. Composio sends application/json, ' +
          'but the signature covers the bytes only: a parser or check in front of the webhook ' +
          'decides here instead of the receiver.',
        fix: 'Let the webhook route read the raw body whatever the content type: mount it before body parsers and content-type checks.',
        probes: ['text-plain'],
      });
    }
    const large = r('large');
    if (large && !large.passed && large.status === 413) {
      const own = large.code === 'PAYLOAD_TOO_LARGE';
      add({
        id: own ? 'webhook-body-limit' : 'body-parser-limit',
        title: own
          ? 'The webhook’s body limit is below 200 KB: large trigger payloads are refused'
          : large.nestError
            ? 'NestJS’s 100 KB JSON limit refuses large deliveries (413 before the webhook runs)'
            : 'A body parser’s 100 KB limit refuses large deliveries (413 before the webhook runs)',
        detail: `A 200 KB delivery was answered ${got(large)}${own ? '' : ' by a body parser, not by the webhook'}; trigger payloads (an e-mail with attachments, a large diff) can be that large.`,
        fix: own
          ? `Raise maxBodyBytes (default ${formatBytes(1024 * 1024)}).`
          : large.nestError
            ? NEST_LIMIT_FIX
            : PARSER_LIMIT_FIX,
        probes: ['large'],
      });
    }
    if (ok(wrong)) {
      add({
        id: 'no-signature-check',
        title:
          'The endpoint accepts a delivery signed with a wrong secret: it does not verify signatures',
        detail: 'Anyone who knows the URL can post events to it.',
        fix: 'Put composioWebhook({ router }) (or verifyWebhook) in front of the handler, with the subscription secret.',
        // Nothing that depends on the signature or its timestamp can be as documented then.
        probes: ['wrong-secret', 'standard-form', 'unprefixed', 'raw-form', 'stale', 'future'],
      });
    }
    const stale = r('stale');
    const future = r('future');
    if ((ok(stale) || ok(future)) && !ok(wrong)) {
      add({
        id: 'no-timestamp-check',
        title:
          'Timestamps are not checked: a delivery signed far in the past or future was accepted',
        detail: `A captured delivery can be replayed later. (Timestamps ${ok(stale) ? 'in the past' : ''}${ok(stale) && ok(future) ? ' and ' : ''}${ok(future) ? 'in the future' : ''} beyond ${input.tolerance} s were accepted.)`,
        fix: `Keep the default tolerance (300 s; tolerance: 0 turns the check off). If the endpoint's tolerance is not ${input.tolerance} s, run doctor with --tolerance <seconds>.`,
        probes: ['stale', 'future'],
      });
    }
  }

  const malformed = r('malformed');
  if (malformed && !malformed.passed && ok(valid)) {
    add({
      id: ok(malformed) ? 'malformed-accepted' : 'unexpected-answer',
      title: ok(malformed)
        ? 'A signed body that is not JSON was accepted'
        : `A signed body that is not JSON was answered ${got(malformed)}`,
      detail: 'A documented endpoint answers 400 INVALID_PAYLOAD (or its body parser 400).',
      fix: 'Let composio-webhooks parse the body it verified; do not answer before it ran.',
      probes: ['malformed'],
    });
  }
  const oversize = r('oversize');
  if (oversize && !oversize.passed && ok(valid)) {
    add({
      id: ok(oversize) ? 'no-body-limit' : 'unexpected-answer',
      title: ok(oversize)
        ? `A body over ${formatBytes(input.maxBody)} was accepted: no body size limit, or a higher one`
        : `A body over ${formatBytes(input.maxBody)} was answered ${got(oversize)}`,
      detail: 'A documented endpoint answers 413 PAYLOAD_TOO_LARGE above maxBodyBytes.',
      fix: 'If the limit was raised on purpose, run doctor with --max-body <bytes>; else keep maxBodyBytes at its default (1 MiB).',
      probes: ['oversize'],
    });
  }

  // Anything that failed and is not explained above.
  const explained = new Set(found.flatMap((d) => d.probes));
  for (const result of results) {
    if (result.passed || explained.has(result.key)) continue;
    add({
      id: 'unexpected-answer',
      title: `${result.name}: expected ${result.expected}, got ${got(result)}`,
      detail: 'This answer differs from the documented status table.',
      fix: 'See the server log for this request.',
      probes: [result.key],
    });
  }
  return found;
}
