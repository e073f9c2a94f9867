/**
 * What every command gets: parsed arguments, the output, and a lazily created API client built
 * from `--api-key`/`--base-url` or `COMPOSIO_API_KEY`/`COMPOSIO_BASE_URL`.
 */
import {
  createSubscriptionsClient,
  type RetryInfo,
  type SubscriptionsClient,
  type SubscriptionsClientOptions,
} from '@composio-webhooks/client';
import { type OptionSpecs, type ParsedValues, stringValue, UsageError } from './args.js';
import type { CliIo, Output } from './output.js';

export interface CommandContext {
  io: CliIo;
  out: Output;
  values: ParsedValues;
  positionals: string[];
  /** e.g. `subscription set`. */
  command: string;
  /** The API client; throws a UsageError (exit 2) when no API key is configured. */
  client(): SubscriptionsClient;
}

export interface Command {
  /** e.g. `subscription set`. */
  name: string;
  summary: string;
  /** Help text after the summary line: usage, options, examples. */
  help: string;
  options: OptionSpecs;
  /** Calls the Composio API: its help lists --api-key and --base-url. */
  usesApi?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

/** A failure to report with exit code 1 (something went wrong, not a usage mistake). */
export class CliError extends Error {
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CliError';
    this.details = details;
  }
}

export function createClientFactory(values: ParsedValues, io: CliIo, out: Output, command: string) {
  let client: SubscriptionsClient | undefined;
  return (): SubscriptionsClient => {
    client ??= createSubscriptionsClient(clientOptions(values, io, out, command));
    return client;
  };
}

/** API key, base URL and retry reporting from `--api-key`/`--base-url` or the environment. */
export function clientOptions(
  values: ParsedValues,
  io: CliIo,
  out: Output,
  command: string,
): SubscriptionsClientOptions {
  const apiKey = stringValue(values, 'api-key') ?? io.env.COMPOSIO_API_KEY;
  if (apiKey === undefined || apiKey.trim() === '') {
    throw new UsageError(
      'No Composio API key: pass --api-key <key> or set COMPOSIO_API_KEY ' +
        '(the project API key from the Composio dashboard).',
      command,
    );
  }
  const baseUrl = stringValue(values, 'base-url') ?? (io.env.COMPOSIO_BASE_URL || undefined);
  return {
    apiKey,
    baseUrl,
    retries: { onRetry: (info) => out.note(out.errStyle.dim(describeRetry(info))) },
  };
}

function describeRetry(info: RetryInfo): string {
  const why =
    info.status !== undefined
      ? `HTTP ${info.status}${info.reason === 'rate-limited' ? ' (rate limited)' : ''}`
      : info.reason === 'timeout'
        ? 'a timeout'
        : 'a network error';
  return `${info.method} ${info.path} got ${why}; retrying in ${(info.delayMs / 1000).toFixed(1)} s…`;
}

/** Runs `task` with a spinner (terminal only). */
export async function withSpinner<T>(
  out: Output,
  text: string,
  task: () => Promise<T>,
): Promise<T> {
  const spinner = out.spinner(text);
  try {
    return await task();
  } finally {
    spinner.stop();
  }
}

/** The given id, or the id of the project's single subscription. */
export async function resolveSubscriptionId(
  ctx: CommandContext,
  id: string | undefined,
): Promise<string> {
  if (id !== undefined) return id;
  const page = await withSpinner(ctx.out, 'Finding the project subscription…', () =>
    ctx.client().list({ limit: 1 }),
  );
  const first = page.items[0];
  if (!first) {
    throw new CliError(
      'This project has no webhook subscription yet: create one with ' +
        '`composio-webhooks subscription set --url https://your.app/webhooks/composio`.',
      { code: 'NO_SUBSCRIPTION' },
    );
  }
  return first.id;
}
