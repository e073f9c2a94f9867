/**
 * Why `doctor`'s valid delivery was not accepted: the one root cause the other answers point at
 * (nothing verifies webhooks here, a JSON parser ran first, headers stripped, a clock far off, a
 * whsec_/raw mix-up, another secret, a handler that failed or a non-2xx on success).
 */
import { SECRET_ENV_VAR } from '@composio-webhooks/core/adapter';
import type { DiagnoseInput, Diagnosis } from './doctor-diagnose.js';
import { DOCTOR_SLUG, type ProbeKey, type ProbeResult } from './doctor-probes.js';

export const ok = (r: ProbeResult | undefined) =>
  r !== undefined && r.status !== null && r.status >= 200 && r.status < 300;
export const got = (r: ProbeResult) =>
  r.status === null
    ? `no answer (${r.error})`
    : `${r.status}${r.code ? ` ${r.code}` : ''}${r.duplicate ? ' duplicate' : ''}`;

const find = (results: readonly ProbeResult[], key: ProbeKey) =>
  results.find((result) => result.key === key);

/** The root cause of a valid delivery that was not accepted, when the answers show one. */
export function rootCause(input: DiagnoseInput, valid: ProbeResult): Diagnosis | undefined {
  const { results } = input;
  const wrong = find(results, 'wrong-secret');
  const everywhere = results.every((x) => x.status === valid.status);
  if (!valid.fromReceiver && everywhere && valid.status !== 401) {
    return {
      id: 'not-a-webhook-route',
      title: `Nothing at this URL verifies webhooks: every probe was answered ${valid.status}`,
      detail:
        'The answers do not depend on the signature, the timestamp or the body, so no webhook ' +
        'receiver runs at this URL.',
      fix: 'Check --url: it must be the POST route your app mounts the webhook on (e.g. /webhooks/composio).',
      probes: results.map((x) => x.key),
    };
  } else if (
    valid.code === 'RAW_BODY_UNAVAILABLE' ||
    (!ok(valid) && ok(find(results, 'text-plain')) && valid.status !== 401)
  ) {
    return {
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
    };
  } else if (valid.code === 'MISSING_HEADERS') {
    return {
      id: 'headers-stripped',
      title: 'The webhook-* headers do not reach the endpoint: something in between strips them',
      detail:
        'doctor sent webhook-id, webhook-timestamp and webhook-signature; the endpoint answered ' +
        '401 MISSING_HEADERS. A proxy, API gateway or CDN in front of the app dropped them.',
      fix:
        'Let the proxy pass webhook-id, webhook-timestamp, webhook-signature and the ' +
        'x-composio-* headers through unchanged.',
      probes: ['valid', 'duplicate', 'text-plain', 'large', 'malformed'],
    };
  } else if (valid.code === 'TIMESTAMP_OUT_OF_TOLERANCE' || valid.code === 'INVALID_TIMESTAMP') {
    const offset = input.clockOffset;
    const ahead = ok(find(results, 'stale'))
      ? ' A delivery signed in the past was accepted: the endpoint’s clock is behind.'
      : ok(find(results, 'future'))
        ? ' A delivery signed in the future was accepted: the endpoint’s clock is ahead.'
        : '';
    const dated =
      offset !== undefined && Math.abs(offset) >= 30
        ? ` Its Date header reads ${Math.abs(Math.round(offset))} s ${offset > 0 ? 'ahead of' : 'behind'} this machine.`
        : '';
    return {
      id: 'clock-off',
      title: 'A clock is far off: a delivery signed just now was refused as outside the tolerance',
      detail: `The endpoint answered ${got(valid)} to a delivery signed with this machine's clock (tolerance ${input.tolerance} s).${ahead}${dated}`,
      fix:
        'Synchronise the clocks (NTP: timedatectl set-ntp true, or chrony) on the server and on ' +
        'this machine. Raising the tolerance only hides it.',
      probes: ['valid', 'duplicate', 'text-plain', 'large', 'stale', 'future', 'malformed'],
    };
  } else if (valid.status === 401) {
    const variant = results.find(
      (x) => (x.key === 'standard-form' || x.key === 'unprefixed' || x.key === 'raw-form') && ok(x),
    );
    if (variant) {
      return {
        id: 'secret-format-mixup',
        title:
          'whsec_/raw mix-up: the endpoint reads the secret another way than Composio signs with it',
        detail: `The delivery signed with the secret as given was refused (${got(valid)}); signed with the ${variant.name}, it was accepted.`,
        fix: mixupFix(variant.key),
        probes: ['valid', 'duplicate', 'text-plain', 'large', 'malformed', variant.key],
      };
    } else {
      return {
        id: 'wrong-secret',
        title:
          'The endpoint refuses the signature of a valid delivery: it verifies with another secret',
        detail: `A delivery signed with this secret was answered ${got(valid)}, and no other form of the secret was accepted either.`,
        fix:
          `Set ${SECRET_ENV_VAR} on the server to the subscription's secret ` +
          '(composio-webhooks subscription get --show-secret) — the one given to doctor — and ' +
          'check that nothing rewrites the body on the way (a proxy re-encoding JSON).',
        probes: ['valid', 'duplicate', 'text-plain', 'large', 'malformed'],
      };
    }
  } else if (wrong?.status === 401) {
    const threw = valid.code === 'HANDLER_FAILED';
    return {
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
    };
  }
  return undefined;
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
