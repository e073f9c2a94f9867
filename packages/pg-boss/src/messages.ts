import type { InboxEngineRetries } from '@composio-webhooks/core/adapter';

/** The package prefix of every message this package writes or throws. */
export const PACKAGE_PREFIX = '[@composio-webhooks/pg-boss]';

export function message(text: string): string {
  return `${PACKAGE_PREFIX} ${text}`;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What the processing side says after a failed attempt, on pg-boss. */
export const PGBOSS_RETRIES: InboxEngineRetries = {
  retrying: 'pg-boss retries it after the backoff',
  deadLetter: (id) =>
    `it stays in the queue as failed (a dead letter): "composio-webhooks inbox retry ${id}" runs it again`,
};
