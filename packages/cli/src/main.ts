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
import {
  API_OPTIONS,
  flag,
  GLOBAL_OPTIONS,
  parseCommandArgs,
  splitCommandWords,
  UsageError,
} from './args.js';
import { doctorCommand } from './commands/doctor.js';
import { generateTypesCommand, generateValidatorsCommand } from './commands/generate.js';
import {
  inboxFailedCommand,
  inboxReplayCommand,
  inboxRetryCommand,
  inboxStatsCommand,
} from './commands/inbox.js';
import { listenCommand } from './commands/listen.js';
import { replayCommand } from './commands/replay.js';
import { sendTestCommand } from './commands/send-test.js';
import { eventTypesCommand, getCommand, listCommand } from './commands/subscription-read.js';
import {
  deleteCommand,
  rotateCommand,
  setCommand,
  updateCommand,
} from './commands/subscription-write.js';
import { CliError, type Command, createClientFactory } from './context.js';
import { BIN, commandHelp, groupHelp, groupMembers, rootHelp as rootHelpOf } from './help.js';
import { type CliIo, Output } from './output.js';
import { didYouMean } from './suggest.js';
import { CLI_VERSION } from './version.js';

export { BIN } from './help.js';

/** Every command, in the order the root help lists them. Add new commands here. */
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
  replayCommand,
  doctorCommand,
  generateTypesCommand,
  generateValidatorsCommand,
  inboxStatsCommand,
  inboxFailedCommand,
  inboxRetryCommand,
  inboxReplayCommand,
];

export function rootHelp(): string {
  return rootHelpOf(COMMANDS);
}

/** The longest command name made of the leading words (`subscription set`, `listen`). */
function findCommand(words: readonly string[]): { command: Command | undefined; used: number } {
  for (let used = Math.min(words.length, 3); used > 0; used--) {
    const name = words.slice(0, used).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, used };
  }
  return { command: undefined, used: 0 };
}

/** What may come first on the line: commands, groups (`subscription`) and `help`. */
function firstWords(): string[] {
  return [...new Set([...COMMANDS.map((c) => c.name.split(' ')[0] ?? c.name), 'help'])];
}

function isGroup(word: string | undefined): boolean {
  return word !== undefined && groupMembers(COMMANDS, word).length > 0;
}

/** The usage error for command words that name no command, with the nearest one. */
function unknownCommand(words: readonly string[]): UsageError {
  const [first = '', second] = words;
  if (isGroup(first)) {
    const names = groupMembers(COMMANDS, first).map((c) => c.name.slice(first.length + 1));
    const list = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
    const what = second === undefined ? '' : ` "${second}"`;
    const hint = second === undefined ? '' : didYouMean(second, names);
    return new UsageError(`Unknown ${first} command${what}: use ${list}.${hint}`, first);
  }
  return new UsageError(`Unknown command "${first}".${didYouMean(first, firstWords())}`);
}

/** `help [command words]`: the text to print, or why there is none. */
function helpFor(words: readonly string[]): string | UsageError {
  if (words.length === 0) return rootHelp();
  const { command, used } = findCommand(words);
  if (command && used === words.length) return commandHelp(command);
  if (words.length === 1 && isGroup(words[0])) return groupHelp(COMMANDS, words[0] ?? '');
  return unknownCommand(words);
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const { words, rest } = splitCommandWords(argv, 3);
  const bootstrap = new Output(io, {
    json: argv.includes('--json'),
    noColor: argv.includes('--no-color'),
  });
  const print = (text: string | UsageError): number => {
    if (text instanceof UsageError) return reportError(bootstrap, text);
    io.stdout.write(`${text}\n`);
    return 0;
  };

  if (words[0] === 'help') {
    return print(helpFor([...words.slice(1), ...rest.filter((arg) => !arg.startsWith('-'))]));
  }
  const { command, used } = findCommand(words);
  if (!command) {
    if (words.length === 0 && (argv.includes('--version') || argv.includes('-v'))) {
      return print(CLI_VERSION);
    }
    // Nothing to run (no command, or a group alone as in `subscription --help`): the help.
    if (words.length === 0) return print(rootHelp());
    if (words.length === 1 && isGroup(words[0])) return print(groupHelp(COMMANDS, words[0] ?? ''));
    return reportError(bootstrap, unknownCommand(words));
  }

  const args = [...words.slice(used), ...rest];
  let out = bootstrap;
  try {
    // Options worth suggesting for a typo: those the command's help lists.
    const known = [
      ...Object.keys(GLOBAL_OPTIONS).filter(
        (name) => command.usesApi === true || !(API_OPTIONS as readonly string[]).includes(name),
      ),
      ...Object.keys(command.options),
    ];
    const { values, positionals } = parseCommandArgs(args, command.options, command.name, known);
    out = new Output(io, { json: flag(values, 'json'), noColor: flag(values, 'no-color') });
    if (flag(values, 'help')) return print(commandHelp(command));
    if (flag(values, 'version')) return print(CLI_VERSION);
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
