/**
 * How `listen` prints a request: one line (verified or refused, the status the sender got, the
 * target's answer when forwarding), the event below it unless --quiet; or one JSON object.
 */
import type { CommandContext } from './context.js';
import type { ListenRecord } from './listener.js';

export function print(ctx: CommandContext, r: ListenRecord, quiet: boolean): void {
  const { out } = ctx;
  if (out.json) {
    out.record(quiet ? { ...r, event: undefined } : r);
    return;
  }
  const { style } = out;
  const time = r.time.slice(11, 19);
  // The mark and status are what the sender got: a verified delivery the target refused is ✖.
  const answeredOk = r.verified && r.status >= 200 && r.status < 300;
  const head = `${style.dim(time)} ${answeredOk ? style.green('✔') : style.red('✖')} ${r.status} ${r.method} ${r.path}`;
  if (!r.verified) {
    out.line(`${head}  ${r.id ?? '(no webhook-id)'}  ${style.red(String(r.code))}`);
    out.line(`         ${r.reason}`);
    return;
  }
  const slug = r.triggerSlug ? ` ${r.triggerSlug}` : '';
  const attempt = r.attempt === null || r.attempt === undefined ? '' : `, attempt ${r.attempt}`;
  const duplicate =
    r.duplicateOfMsAgo === null || r.duplicateOfMsAgo === undefined
      ? ''
      : style.yellow(
          `  duplicate webhook-id (first seen ${Math.round(r.duplicateOfMsAgo / 1000)} s ago)`,
        );
  out.line(
    `${head}  ${r.id}  ${style.cyan(String(r.type))}${slug}  (${r.version}${attempt})${duplicate}${forwarded(ctx, r)}`,
  );
  if (!quiet && r.event !== undefined) {
    for (const line of JSON.stringify(r.event, null, 2).split('\n'))
      out.line(`         ${style.dim(line)}`);
  }
}

/** `  → 200 http://…  12 ms`: the target's answer, on the same line. */
function forwarded(ctx: CommandContext, r: ListenRecord): string {
  const f = r.forward;
  if (!f) return '';
  const { style } = ctx.out;
  if (f.status === null) return `  ${style.red('→ ✖')} ${f.url}  ${style.red(f.error ?? '')}`;
  const ok = f.status >= 200 && f.status < 300;
  const mark = ok ? style.green(`→ ${f.status}`) : style.red(`→ ${f.status}`);
  const code = f.code ? ` ${f.code}` : f.duplicate ? ' duplicate' : '';
  return `  ${mark}${code} ${f.url}  ${f.durationMs} ms`;
}
