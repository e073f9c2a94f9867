/**
 * `replay`: sends deliveries recorded by `listen --record` to an endpoint again, each signed anew
 * (fresh timestamp) with the endpoint's secret, one after the other, and prints a table of the
 * answers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { messageId } from '@composio-webhooks/core/testing';
import {
  expectPositionals,
  flag,
  integerValue,
  requiredUrl,
  stringList,
  stringValue,
  UsageError,
} from '../args.js';
import type { Command } from '../context.js';
import { countStatuses, describeCounts, SECRET_ENV_VAR, table } from '../format.js';
import { isRedirect, post, signDelivery } from '../http.js';
import { bodyText, type RecordedDelivery, readRecording } from '../recording.js';
import { secretOption } from '../secret-options.js';

export interface ReplayResult {
  /** 1-based position in the replay. */
  n: number;
  /** The recorded webhook-id. */
  recordedId: string;
  /** The webhook-id sent (another one with --new-ids). */
  id: string;
  type: string;
  triggerSlug: string | null;
  status: number | null;
  code: string | null;
  duplicate: boolean;
  durationMs: number | null;
  error: string | null;
}

export const replayCommand: Command = {
  name: 'replay',
  summary:
    'Send deliveries recorded by "listen --record" again, signed anew, and tabulate the answers.',
  help: `Usage: composio-webhooks replay <file.jsonl> --url <url> [--secret <s>] [--secret-format raw|standard]
         [--id <msg_id>]... [--rate <n>/s] [--keep-ids | --new-ids] [--timeout <ms>] [--json]

Each recorded delivery is sent with its recorded body, byte for byte, and headers, signed again
with --secret and a fresh timestamp, one after the other. Exit code 0 when every answer is 2xx.

Options:
  --url <url>            where to send them, e.g. http://localhost:3000/webhooks/composio
  --secret <secret>      the endpoint's secret (default: $${SECRET_ENV_VAR})
  --secret-format <f>    raw (default, Composio's) or standard (whsec_ + base64)
  --id <msg_id>          only this recorded delivery (repeat, or comma-separate, for several)
  --rate <n>/s           at most n deliveries per second (default: one after the other, no pause)
  --keep-ids             send the recorded webhook-ids (default): an app that remembers them
                         answers "duplicate" and does not run its handlers again
  --new-ids              send each as a new delivery (new webhook-id, also in the body's "id")
  --timeout <ms>         per delivery (default 10000)`,
  options: {
    url: { type: 'string' },
    secret: { type: 'string' },
    'secret-format': { type: 'string' },
    id: { type: 'string', multiple: true },
    rate: { type: 'string' },
    'keep-ids': { type: 'boolean' },
    'new-ids': { type: 'boolean' },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    const { values, command, out } = ctx;
    expectPositionals(ctx.positionals, command, { max: 1, names: 'one file' });
    const file = ctx.positionals[0];
    if (file === undefined) {
      throw new UsageError(
        'replay needs the file written by "composio-webhooks listen --record <file.jsonl>".',
        command,
      );
    }
    const url = requiredUrl(values, 'url', command, 'replay needs --url <your webhook endpoint>.');
    const { secrets, format } = secretOption(ctx);
    if (flag(values, 'keep-ids') && flag(values, 'new-ids')) {
      throw new UsageError('--keep-ids and --new-ids exclude each other: pick one.', command);
    }
    const newIds = flag(values, 'new-ids');
    const interval = rateInterval(stringValue(values, 'rate'), command);
    const timeoutMs = integerValue(values, 'timeout', command, { min: 1 }) ?? 10_000;
    const selected = select(readRecording(file, command), stringList(values, 'id'), file, command);

    const results: ReplayResult[] = [];
    const spinner = out.spinner(`Replaying 0/${selected.length} to ${url}…`);
    const started = performance.now();
    try {
      for (const [index, record] of selected.entries()) {
        const wait = started + index * interval - performance.now();
        if (wait > 0) await sleep(wait);
        spinner.update(`Replaying ${index + 1}/${selected.length} to ${url}…`);
        results.push(await replayOne(record, index + 1));
      }
    } finally {
      spinner.stop();
    }

    async function replayOne(record: RecordedDelivery, n: number): Promise<ReplayResult> {
      const id = newIds ? messageId() : record.id;
      const text = bodyText(record);
      const signed = await signDelivery({
        // A V3 body carries the webhook-id as its "id": a new delivery changes both.
        body: newIds ? text.split(record.id).join(id) : text,
        secret: secrets[0] ?? '',
        secretFormat: format,
        id,
        attempt: record.headers['x-composio-delivery-attempt'],
        contentType: record.headers['content-type'],
        via: 'replay',
      });
      const base = {
        n,
        recordedId: record.id,
        id,
        type: record.type,
        triggerSlug: record.triggerSlug,
      };
      try {
        const answer = await post(url, signed, timeoutMs);
        return {
          ...base,
          status: answer.status,
          code: answer.code ?? null,
          duplicate: answer.duplicate,
          durationMs: answer.durationMs,
          error: null,
        };
      } catch (error) {
        // A redirect stops the replay: no further signed request goes out.
        if (isRedirect(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        return {
          ...base,
          status: null,
          code: null,
          duplicate: false,
          durationMs: null,
          error: message,
        };
      }
    }

    const ok = results.every((r) => r.status !== null && r.status >= 200 && r.status < 300);
    const statuses = countStatuses(results.map((r) => r.status));
    if (out.json) {
      out.data({ url, file, total: results.length, ok, statuses, results });
      return ok ? 0 : 1;
    }
    const rows = results.map((r) => [
      String(r.n),
      r.id,
      `${r.type}${r.triggerSlug ? ` ${r.triggerSlug}` : ''}`,
      r.status === null ? '—' : String(r.status),
      r.error ??
        (r.duplicate ? 'duplicate' : (r.code ?? (r.status !== null && r.status < 300 ? 'ok' : ''))),
    ]);
    for (const line of table(out.style, ['#', 'WEBHOOK-ID', 'EVENT', 'STATUS', 'RESULT'], rows))
      out.line(line);
    const n = results.length;
    out.line();
    out.line(
      `${ok ? out.style.green('✔') : out.style.red('✖')} Replayed ${n} deliver${n === 1 ? 'y' : 'ies'} to ${url}: ${describeCounts(statuses)}.`,
    );
    const duplicates = results.filter((r) => r.duplicate).length;
    if (duplicates > 0 && !newIds) {
      out.line(
        out.style.dim(
          `${duplicates} answered as duplicates: the app had already processed these webhook-ids, so its handlers did not run again. --new-ids sends them as new deliveries.`,
        ),
      );
    }
    if (results.some((r) => r.status === 401)) {
      out.line(
        out.style.dim(
          'A 401 means the endpoint verifies with another secret or secret format than this replay signs with: check --secret.',
        ),
      );
    }
    return ok ? 0 : 1;
  },
};

function select(
  records: RecordedDelivery[],
  ids: string[] | undefined,
  file: string,
  command: string,
): RecordedDelivery[] {
  if (ids === undefined) return records;
  const missing = ids.filter((id) => !records.some((r) => r.id === id));
  if (missing.length > 0) {
    throw new UsageError(
      `${file} has no delivery with webhook-id ${missing.join(', ')} (it holds ${records.length}: ${records
        .slice(0, 3)
        .map((r) => r.id)
        .join(', ')}${records.length > 3 ? ', …' : ''}).`,
      command,
    );
  }
  return records.filter((r) => ids.includes(r.id));
}

/** Milliseconds between two sends for `--rate 5` or `--rate 5/s`; 0 without a rate. */
function rateInterval(raw: string | undefined, command: string): number {
  if (raw === undefined) return 0;
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(raw.trim());
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0)) {
    throw new UsageError(
      `--rate must be a number of deliveries per second, e.g. 5 or 5/s, got "${raw}".`,
      command,
    );
  }
  return 1000 / rate;
}
