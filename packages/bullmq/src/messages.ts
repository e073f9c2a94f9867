import type { InboxEngineRetries } from '@composio-webhooks/core/adapter';

/** The package prefix of every message this package writes or throws. */
export const PACKAGE_PREFIX = '[@composio-webhooks/bullmq]';

export function message(text: string): string {
  return `${PACKAGE_PREFIX} ${text}`;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What the processing side says after a failed attempt, on BullMQ. */
export const BULLMQ_RETRIES: InboxEngineRetries = {
  retrying: 'BullMQ retries it after the backoff',
  deadLetter: (id) =>
    `it stays in the failed set: "composio-webhooks inbox retry ${id}" runs it again`,
};
