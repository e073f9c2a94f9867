/**
 * `doctor`: sends an endpoint a series of probes (valid, wrong secret, other secret forms,
 * stale and future timestamps, a retry, large and over-size bodies, malformed JSON, text/plain)
 * and explains what the answers say about its set-up. Exit code 0 only when every answer is the
 * documented one.
 */
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE_SECONDS } from '@composio-webhooks/core/adapter';
import { expectPositionals, integerValue, requiredUrl } from '../args.js';
import { CliError, type Command } from '../context.js';
import { diagnose } from '../doctor-diagnose.js';
import {
  buildProbes,
  DOCTOR_SLUG,
  failedResult,
  type ProbeResult,
  resultOf,
} from '../doctor-probes.js';
import { formatBytes, SECRET_ENV_VAR, table } from '../format.js';
import { isRedirect, post } from '../http.js';
import { secretOption } from '../secret-options.js';

/** Connection errors that mean "the endpoint closed the connection", not "nothing is there". */
const CLOSED_EARLY = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'Probe your webhook endpoint and explain what is set up wrong (body parser, limits, secret, clock…).',
  help: `Usage: composio-webhooks doctor --url <url> [--secret <s>] [--secret-format raw|standard]
         [--tolerance <seconds>] [--max-body <bytes>] [--timeout <ms>] [--json]

Sends your endpoint a series of signed probes — a valid delivery, a retry of it, the same as
text/plain, a wrong secret, the secret in its other (whsec_) forms, stale and future timestamps,
malformed JSON, a 200 KB body and one over the limit — and explains what the answers mean: a JSON
parser that ran first, NestJS's 100 KB limit, no deduplication, a whsec_/raw mix-up, a clock far
off, a proxy stripping headers, a non-2xx answer on success. Valid probes run your handlers with
test events (trigger slug ${DOCTOR_SLUG}). Exit code 0 only when every answer is as documented.

Options:
  --url <url>            your webhook endpoint, e.g. http://localhost:3000/webhooks/composio
  --secret <secret>      the endpoint's secret (default: $${SECRET_ENV_VAR})
  --secret-format <f>    raw (default, Composio's) or standard (whsec_ + base64)
  --tolerance <s>        the endpoint's timestamp tolerance (default 300)
  --max-body <bytes>     the endpoint's body limit (default 1048576, 1 MiB)
  --timeout <ms>         per probe (default 10000)`,
  options: {
    url: { type: 'string' },
    secret: { type: 'string' },
    'secret-format': { type: 'string' },
    tolerance: { type: 'string' },
    'max-body': { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    const { values, command, out } = ctx;
    expectPositionals(ctx.positionals, command, { max: 0, names: '' });
    const url = requiredUrl(values, 'url', command, 'doctor needs --url <your webhook endpoint>.');
    const { secrets, source, format } = secretOption(ctx);
    const tolerance =
      integerValue(values, 'tolerance', command, { min: 1 }) ?? DEFAULT_TOLERANCE_SECONDS;
    const maxBody =
      integerValue(values, 'max-body', command, { min: 1024 }) ?? DEFAULT_MAX_BODY_BYTES;
    const timeoutMs = integerValue(values, 'timeout', command, { min: 1 }) ?? 10_000;
    const probes = await buildProbes({
      secret: secrets[0] ?? '',
      secretFormat: format,
      tolerance,
      maxBody,
    });

    if (!out.json) {
      out.line(`${out.style.bold('doctor')} → ${url}`);
      out.line(
        out.style.dim(
          `  secret from ${source} (${format}), tolerance ${tolerance} s, body limit ${formatBytes(maxBody)}; ${probes.length} probes`,
        ),
      );
    }
    const results: ProbeResult[] = [];
    let clockOffset: number | undefined;
    const spinner = out.spinner(`Probe 1/${probes.length}…`);
    try {
      for (const [index, probe] of probes.entries()) {
        spinner.update(`Probe ${index + 1}/${probes.length}: ${probe.name}…`);
        try {
          const answer = await post(url, await probe.request(), timeoutMs);
          if (probe.key === 'valid') clockOffset = offsetOf(answer.headers.get('date'));
          results.push(resultOf(probe, answer));
        } catch (error) {
          const code = error instanceof CliError ? String(error.details.code ?? '') : '';
          // Nothing to diagnose when the endpoint cannot be reached at all; a redirect stops
          // the probes (each is signed, most with the real secret).
          if (probe.key === 'valid' || isRedirect(error)) throw error;
          const message = error instanceof Error ? error.message : String(error);
          results.push(failedResult(probe, message, CLOSED_EARLY.has(code)));
        }
      }
    } finally {
      spinner.stop();
    }

    const diagnoses = diagnose({ results, tolerance, maxBody, clockOffset });
    const ok = results.every((r) => r.passed) && diagnoses.length === 0;
    if (out.json) {
      out.data({ url, ok, probes: results, diagnoses });
      return ok ? 0 : 1;
    }

    const { style } = out;
    const rows = results.map((r) => [
      r.passed ? style.green('✔') : style.red('✖'),
      r.name,
      r.expected,
      r.status === null
        ? r.passed
          ? 'connection closed'
          : `no answer: ${r.error}`
        : `${r.status}${r.code ? ` ${r.code}` : ''}${r.duplicate ? ' duplicate' : ''}`,
    ]);
    out.line();
    for (const line of table(style, ['', 'PROBE', 'EXPECTED', 'GOT'], rows)) out.line(`  ${line}`);
    out.line();
    if (ok) {
      out.line(style.green(`✔ Everything is as documented (${results.length} probes).`));
      return 0;
    }
    out.line(style.red(`✖ ${diagnoses.length} problem${diagnoses.length === 1 ? '' : 's'} found:`));
    for (const [index, d] of diagnoses.entries()) {
      out.line();
      out.line(`${index + 1}. ${style.bold(d.title)} ${style.dim(`[${d.id}]`)}`);
      out.line(`   ${d.detail}`);
      out.line(`   ${style.cyan('Fix:')} ${d.fix}`);
    }
    return 1;
  },
};

/** Seconds the endpoint's clock (its Date header) is ahead of this machine's. */
function offsetOf(date: string | null): number | undefined {
  if (date === null) return undefined;
  const at = Date.parse(date);
  return Number.isNaN(at) ? undefined : (at - Date.now()) / 1000;
}
