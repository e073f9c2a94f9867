/**
 * What `doctor`'s answers mean: each known way of setting an endpoint up wrong leaves a pattern
 * in the probes' answers; this finds the patterns and says how to fix each. Every failed probe
 * ends up explained (a root cause hides the failures that follow from it).
 */
import { SECRET_ENV_VAR } from '@composio-webhooks/core/adapter';
import { DOCTOR_SLUG, type ProbeKey, type ProbeResult } from './doctor-probes.js';
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

const ok = (r: ProbeResult | undefined) =>
  r !== undefined && r.status !== null && r.status >= 200 && r.status < 300;
const got = (r: ProbeResult) =>
  r.status === null
    ? `no answer (${r.error})`
    : `${r.status}${r.code ? ` ${r.code}` : ''}${r.duplicate ? ' duplicate' : ''}`;

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
    const everywhere = results.every((x) => x.status === valid.status);
    if (!valid.fromReceiver && everywhere && valid.status !== 401) {
      add({
        id: 'not-a-webhook-route',
        title: `Nothing at this URL verifies webhooks: every probe was answered ${valid.status}`,
        detail:
          'The answers do not depend on the signature, the timestamp or the body, so no webhook ' +
          'receiver runs at this URL.',
        fix: 'Check --url: it must be the POST route your app mounts the webhook on (e.g. /webhooks/composio).',
        probes: results.map((x) => x.key),
      });
    } else if (
      valid.code === 'RAW_BODY_UNAVAILABLE' ||
      (!ok(valid) && ok(r('text-plain')) && valid.status !== 401)
    ) {
      add({
        id: 'json-parser-first',
        title: 'A JSON body parser ran before the webhook and consumed the raw body',
        detail:
          `A valid delivery sent as application/json was answered ${got(valid)}, the same delivery ` +
          'as text/plain (which JSON parsers skip) was accepted. The signature covers the exact ' +
          'bytes, which are gone once a parser has turned them into an object.',
        fix:
          'Mount the webhook route before express.json() / app.use(bodyParser()), or give it ' +
          "express.raw({ type: 'application/json' }); on NestJS, use the module’s route or ComposioWebhookGuard (they read the raw body themselves).",
        probes: ['valid', 'duplicate', 'large'],
      });
    } else if (valid.code === 'MISSING_HEADERS') {
      add({
        id: 'headers-stripped',
        title: 'The webhook-* headers do not reach the endpoint: something in between strips them',
        detail:
          'doctor sent webhook-id, webhook-timestamp and webhook-signature; the endpoint answered ' +
          '401 MISSING_HEADERS. A proxy, API gateway or CDN in front of the app dropped them.',
        fix:
          'Let the proxy pass webhook-id, webhook-timestamp, webhook-signature and the ' +
          'x-composio-* headers through unchanged.',
        probes: ['valid', 'duplicate', 'text-plain', 'large', 'malformed'],
      });
    } else if (valid.code === 'TIMESTAMP_OUT_OF_TOLERANCE' || valid.code === 'INVALID_TIMESTAMP') {
      const offset = input.clockOffset;
      const ahead = ok(r('stale'))
        ? ' A delivery signed in the past was accepted: the endpoint’s clock is behind.'
        : ok(r('future'))
          ? ' A delivery signed in the future was accepted: the endpoint’s clock is ahead.'
          : '';
      const dated =
        offset !== undefined && Math.abs(offset) >= 30
          ? ` Its Date header reads ${Math.abs(Math.round(offset))} s ${offset > 0 ? 'ahead of' : 'behind'} this machine.`
          : '';
      add({
        id: 'clock-off',
        title:
          'A clock is far off: a delivery signed just now was refused as outside the tolerance',
        detail: `The endpoint answered ${got(valid)} to a delivery signed with this machine's clock (tolerance ${input.tolerance} s).${ahead}${dated}`,
        fix:
          'Synchronise the clocks (NTP: timedatectl set-ntp true, or chrony) on the server and on ' +
          'this machine. Raising the tolerance only hides it.',
        probes: ['valid', 'duplicate', 'text-plain', 'large', 'stale', 'future', 'malformed'],
      });
    } else if (valid.status === 401) {
      const variant = results.find(
        (x) =>
          (x.key === 'standard-form' || x.key === 'unprefixed' || x.key === 'raw-form') && ok(x),
      );
      if (variant) {
        add({
          id: 'secret-format-mixup',
          title:
            'whsec_/raw mix-up: the endpoint reads the secret another way than Composio signs with it',
          detail: `The delivery signed with the secret as given was refused (${got(valid)}); signed with the ${variant.name}, it was accepted.`,
          fix: mixupFix(variant.key),
          probes: ['valid', 'duplicate', 'text-plain', 'large', 'malformed', variant.key],
        });
      } else {
        add({
          id: 'wrong-secret',
          title:
            'The endpoint refuses the signature of a valid delivery: it verifies with another secret',
          detail: `A delivery signed with this secret was answered ${got(valid)}, and no other form of the secret was accepted either.`,
          fix:
            `Set ${SECRET_ENV_VAR} on the server to the subscription's secret ` +
            '(composio-webhooks subscription get --show-secret) — the one given to doctor — and ' +
            'check that nothing rewrites the body on the way (a proxy re-encoding JSON).',
          probes: ['valid', 'duplicate', 'text-plain', 'large', 'malformed'],
        });
      }
    } else if (wrong?.status === 401) {
      const threw = valid.code === 'HANDLER_FAILED';
      add({
        id: threw ? 'handler-failed' : 'non-2xx-on-success',
        title: threw
          ? 'A handler threw on a valid test event (500 HANDLER_FAILED)'
          : `The endpoint answers ${valid.status} to a valid delivery: success must be a 2xx`,
        detail: threw
          ? 'Composio retries a delivery answered 5xx, and the handlers run again each time.'
          : 'It verifies deliveries (a wrong secret gets 401) but answered a valid one ' +
            `${got(valid)}. Composio counts every non-2xx answer as a failed delivery and retries it.`,
        fix: threw
          ? `See the server's log. Handlers should let events they do not handle pass: doctor's test events have the trigger slug ${DOCTOR_SLUG}.`
          : 'Answer 2xx once the delivery is handled; in verify-only mode the route after ' +
            'composioWebhook() must answer 2xx (e.g. res.sendStatus(200)).',
        probes: ['valid', 'duplicate', 'text-plain', 'large'],
      });
    }
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

function mixupFix(key: ProbeKey): string {
  switch (key) {
    case 'standard-form':
      return (
        "The endpoint decodes the secret as a Standard Webhooks key (secretFormat: 'standard', or " +
        'the standardwebhooks/svix libraries), but Composio signs with the whole secret string as ' +
        "it is: use secretFormat: 'raw' (the default of composio-webhooks)."
      );
    case 'unprefixed':
      return `The endpoint has the secret without its whsec_ prefix; Composio signs with the whole string: put the whole secret, whsec_ included, in ${SECRET_ENV_VAR}.`;
    default:
      return (
        "The endpoint uses the secret as a raw string, while doctor signed with secretFormat 'standard': " +
        "run doctor without --secret-format standard if the endpoint receives Composio's deliveries (raw is Composio's), " +
        "or set secretFormat: 'standard' on the endpoint."
      );
  }
}
