/**
 * What an engine package tells the inbox contract about itself, so the messages users read name
 * the package, the storage and what happens next on that engine.
 */

export interface InboxEngineDescription {
  /** Prefixes a message with the engine package's name: `[@composio-webhooks/bullmq] …`. */
  message(text: string): string;
  /** Where jobs go, as users know it: `bull:composio-webhooks`, `pgboss.composio-webhooks`. */
  target: string;
  /** The storage behind the engine, for messages: `Redis`, `PostgreSQL`. */
  storage: string;
}

/** What the processing side says after a failed attempt. */
export interface InboxEngineRetries {
  /** After a failed attempt that is not the last: e.g. `BullMQ retries it after the backoff`. */
  retrying: string;
  /** After the last attempt: e.g. `it stays in the failed set: "composio-webhooks inbox retry <id>" runs it again`. */
  deadLetter(webhookId: string): string;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
