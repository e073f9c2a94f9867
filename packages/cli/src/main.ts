/**
 * The CLI entry: finds the command, parses its arguments, runs it and turns every failure into
 * a message and an exit code — 0 success, 1 failure (API error, network, endpoint rejected the
 * test event), 2 usage (bad arguments, missing API key or secret).
 */
import {
  type ComposioApiError,
  type ComposioClientError,
  isComposioApiError,
  isComposioClientError,
} from '@composio-webhooks/client';
import { isWebhookError } from '@composio-webhooks/core';
import { flag, parseCommandArgs, splitCommandWords, UsageError } from './args.js';
import { generateTypesCommand, generateValidatorsCommand } from './commands/generate.js';
import { listenCommand } from './commands/listen.js';
import { sendTestCommand } from './commands/send-test.js';
import { eventTypesCommand, getCommand, listCommand } from './commands/subscription-read.js';
import {
  deleteCommand,
  rotateCommand,
  setCommand,
  updateCommand,
} from './commands/subscription-write.js';
import { CliError, type Command, createClientFactory } from './context.js';
import { type CliIo, Output } from './output.js';
import { CLI_VERSION } from './version.js';

export const BIN = 'composio-webhooks';

export const COMMANDS: readonly Command[] = [
  getCommand,
  listCommand,
  setCommand,
  updateCommand,
  deleteCommand,
  rotateCommand,
  eventTypesCommand,
  sendTestCommand,
  listenCommand,
  generateTypesCommand,
  generateValidatorsCommand,
];

const GLOBAL_HELP = `Global options:
  --api-key <key>     Composio project API key (default: $COMPOSIO_API_KEY)
  --base-url <url>    API base URL (default: $COMPOSIO_BASE_URL, else https://backend.composio.dev/api/v3.1)
  --json              machine-readable output on stdout (errors as JSON on stderr)
  --no-color          no colours (also: NO_COLOR=1; colours are off when output is not a terminal)
  -h, --help          help for a command
  -v, --version       print the version`;

export function rootHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `${BIN} ${CLI_VERSION} — manage Composio webhook subscriptions and test your receiver.

Usage: ${BIN} <command> [options]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}

Exit codes: 0 success, 1 failure (API error, unreachable, endpoint rejected the event), 2 usage.
Run "${BIN} <command> --help" for the options of a command.`;
}

function commandHelp(command: Command): string {
  return `${BIN} ${command.name} — ${command.summary}\n\n${command.help}\n\n${GLOBAL_HELP}`;
}

function findCommand(words: string[]): { command: Command | undefined; used: number } {
  const two = COMMANDS.find((c) => c.name === words.slice(0, 2).join(' '));
  if (two && words.length >= 2) return { command: two, used: 2 };
  const one = COMMANDS.find((c) => c.name === words[0]);
  return { command: one, used: one ? 1 : 0 };
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const { words, rest } = splitCommandWords(argv, 2);
  const { command, used } = findCommand(words);
  const args = [...words.slice(used), ...rest];
  const bootstrap = new Output(io, {
    json: argv.includes('--json'),
    noColor: argv.includes('--no-color'),
  });

  if (!command) {
    if (words.length === 0 && (argv.includes('--version') || argv.includes('-v'))) {
      io.stdout.write(`${CLI_VERSION}\n`);
      return 0;
    }
    if (words.length === 0 && (argv.includes('--help') || argv.includes('-h'))) {
      io.stdout.write(`${rootHelp()}\n`);
      return 0;
    }
    if (
      words[0] === 'subscription' &&
      words.length === 1 &&
      (argv.includes('--help') || argv.includes('-h'))
    ) {
      io.stdout.write(`${rootHelp()}\n`);
      return 0;
    }
    const what =
      words.length === 0
        ? 'No command given.'
        : words[0] === 'subscription'
          ? `Unknown subscription command${words[1] ? ` "${words[1]}"` : ''}: use get, list, set, update, delete or rotate-secret.`
          : `Unknown command "${words[0]}".`;
    return reportError(bootstrap, new UsageError(what));
  }

  let out = bootstrap;
  try {
    const { values, positionals } = parseCommandArgs(args, command.options, command.name);
    out = new Output(io, { json: flag(values, 'json'), noColor: flag(values, 'no-color') });
    if (flag(values, 'help')) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    if (flag(values, 'version')) {
      io.stdout.write(`${CLI_VERSION}\n`);
      return 0;
    }
    return await command.run({
      io,
      out,
      values,
      positionals,
      command: command.name,
      client: createClientFactory(values, io, out, command.name),
    });
  } catch (error) {
    return reportError(out, error);
  }
}

/** Prints the error (text or JSON on stderr) and returns the exit code. */
export function reportError(out: Output, error: unknown): number {
  const usage =
    error instanceof UsageError ||
    (isComposioClientError(error) && error.kind === 'config') ||
    (isWebhookError(error) && error.code === 'INVALID_CONFIG');
  const exitCode = usage ? 2 : 1;
  const style = out.errStyle;

  if (out.json) {
    out.note(JSON.stringify({ error: errorJson(error, usage) }));
    return exitCode;
  }
  if (isComposioApiError(error)) {
    out.note(`${style.red('error:')} ${apiErrorLine(error)}`);
    if (error.requestId)
      out.note(style.dim(`request id: ${error.requestId} (quote it to Composio support)`));
    const hint = apiHint(error);
    if (hint) out.note(style.dim(hint));
    return exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  out.note(`${style.red('error:')} ${message}`);
  if (error instanceof UsageError) {
    out.note(
      style.dim(`Run "${BIN}${error.command ? ` ${error.command}` : ''} --help" for usage.`),
    );
  }
  return exitCode;
}

function apiErrorLine(error: ComposioApiError): string {
  const code = error.code ? ` ${error.code}` : '';
  const detail = error.apiMessage ? `: ${error.apiMessage}` : '';
  const tries = error.attempts > 1 ? ` (after ${error.attempts} attempts)` : '';
  return `Composio API answered HTTP ${error.status}${code} to ${error.method} ${error.path}${detail}${tries}`;
}

function apiHint(error: ComposioApiError): string | undefined {
  switch (error.status) {
    case 401:
    case 403:
      return 'Check the API key (--api-key or COMPOSIO_API_KEY): it must be the project API key.';
    case 404:
      return `No such subscription in this project: "${BIN} subscription list" shows the ids.`;
    case 409:
      return `The project already has a subscription (one per project): use "${BIN} subscription set" or "update".`;
    case 429:
      return error.retryAfterMs !== undefined
        ? `Rate limited: try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`
        : 'Rate limited: try again later.';
    default:
      return error.status >= 500 ? 'A Composio server error: try again later.' : undefined;
  }
}

function errorJson(error: unknown, usage: boolean): Record<string, unknown> {
  if (isComposioApiError(error)) {
    return {
      type: 'api',
      status: error.status,
      code: error.code ?? null,
      message: error.apiMessage ?? error.message,
      requestId: error.requestId ?? null,
      attempts: error.attempts,
    };
  }
  if (isComposioClientError(error)) {
    const clientError = error as ComposioClientError;
    return { type: clientError.kind, message: clientError.message };
  }
  if (error instanceof CliError)
    return { type: 'failure', message: error.message, ...error.details };
  if (isWebhookError(error))
    return { type: usage ? 'usage' : 'webhook', code: error.code, message: error.message };
  return {
    type: usage ? 'usage' : 'failure',
    message: error instanceof Error ? error.message : String(error),
  };
}
