/**
 * Human-readable rendering of API objects. `--json` output does not pass through here.
 */
import { stripVTControlCharacters } from 'node:util';
import type { EventTypeInfo, Subscription } from '@composio-webhooks/client';
import { SECRET_ENV_VAR } from '@composio-webhooks/core/adapter';
import type { Style } from './output.js';

export { SECRET_ENV_VAR };

/** Short names accepted wherever an event type is expected (and by send-test --event). */
export const EVENT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  'trigger-message': 'composio.trigger.message',
  'connection-expired': 'composio.connected_account.expired',
  'trigger-disabled': 'composio.trigger.disabled',
});

export function expandEventName(name: string): string {
  return EVENT_ALIASES[name] ?? name;
}

/** Shows the first and last 4 characters only. */
export function maskSecret(secret: string): string {
  if (secret.length <= 12) return '•'.repeat(secret.length);
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

export function envLine(secret: string): string {
  return `${SECRET_ENV_VAR}=${secret}`;
}

export function formatSubscription(
  subscription: Subscription,
  style: Style,
  options: { showSecret: boolean },
): string[] {
  const secret = options.showSecret
    ? subscription.secret
    : `${maskSecret(subscription.secret)} ${style.dim('(hidden; --show-secret to print it)')}`;
  return [
    `${style.bold('Subscription')} ${subscription.id}`,
    ...labelled(style, [
      ['URL', subscription.webhookUrl],
      ['Version', subscription.version],
      ['Events', subscription.enabledEvents.join(', ')],
      ['Secret', secret],
      ['Created', subscription.createdAt],
      ['Updated', subscription.updatedAt],
    ]),
  ];
}

/** `subscription` with the secret masked, for `--json` output of read commands. */
export function redactSubscription(subscription: Subscription, showSecret: boolean): Subscription {
  return showSecret ? subscription : { ...subscription, secret: maskSecret(subscription.secret) };
}

export function labelled(style: Style, rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${style.dim(label.padEnd(width))}  ${value}`);
}

/** How many columns `text` takes on a terminal: colour codes take none. */
export function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}

/** `text` padded with spaces to `width` visible columns (colour codes not counted). */
function padVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

/** A plain-text table; columns padded to the widest cell, as the terminal shows it. */
export function table(style: Style, headers: string[], rows: string[][]): string[] {
  const widths = headers.map((header, i) =>
    Math.max(visibleWidth(header), ...rows.map((row) => visibleWidth(row[i] ?? ''))),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : padVisible(cell, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [style.bold(render(headers)), ...rows.map(render)];
}

export function formatEventTypes(types: EventTypeInfo[], style: Style): string[] {
  return table(
    style,
    ['EVENT TYPE', 'VERSIONS', 'DESCRIPTION'],
    types.map((t) => [t.eventType, t.supportedVersions.join(', '), t.description]),
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** How many answers had each status (`null`: no answer), e.g. `{ "200": 2, "401": 1 }`. */
export function countStatuses(statuses: ReadonlyArray<number | null>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) {
    const key = status === null ? 'none' : String(status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** `2 × 200, 1 × 401, 1 × no answer`. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([status, n]) => `${n} × ${status === 'none' ? 'no answer' : status}`)
    .join(', ');
}
