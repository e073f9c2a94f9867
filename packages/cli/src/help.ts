/**
 * Help texts: the root help (every command), a group's help (`subscription --help`) and a
 * command's help, which lists only the global options that apply to it.
 */
import { API_OPTIONS } from './args.js';
import type { Command } from './context.js';
import { CLI_VERSION } from './version.js';

export const BIN = 'composio-webhooks';

const GLOBAL_OPTION_LINES: ReadonlyArray<[name: string, line: string]> = [
  ['api-key', '  --api-key <key>     Composio project API key (default: $COMPOSIO_API_KEY)'],
  [
    'base-url',
    '  --base-url <url>    Composio API origin (default: $COMPOSIO_BASE_URL, else https://backend.composio.dev)',
  ],
  ['json', '  --json              machine-readable output on stdout (errors as JSON on stderr)'],
  [
    'no-color',
    '  --no-color          no colours (also: NO_COLOR=1; colours are off when output is not a terminal)',
  ],
  ['help', '  -h, --help          help for a command'],
  ['version', '  -v, --version       print the version'],
];

const GROUP_SUMMARIES: Readonly<Record<string, string>> = {
  subscription: 'manage the project’s webhook subscription (needs the project API key).',
};

const EXIT_CODES =
  'Exit codes: 0 success, 1 failure (API error, unreachable, endpoint rejected the event), 2 usage.';

/** The global options block; for a command, only those that apply and that it does not list itself. */
function globalHelp(command?: Command): string {
  const lines = GLOBAL_OPTION_LINES.filter(([name]) => {
    if (command === undefined) return true;
    if ((API_OPTIONS as readonly string[]).includes(name) && command.usesApi !== true) return false;
    return !new RegExp(`^\\s+--${name}(?=\\s)`, 'm').test(command.help);
  }).map(([, line]) => line);
  return `Global options:\n${lines.join('\n')}`;
}

function commandList(commands: readonly Command[], extra: Array<[string, string]> = []): string {
  const rows: Array<[string, string]> = [
    ...commands.map((c) => [c.name, c.summary] as [string, string]),
    ...extra,
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`).join('\n');
}

export function rootHelp(commands: readonly Command[]): string {
  return `${BIN} ${CLI_VERSION} — manage Composio webhook subscriptions and test your receiver.

Usage: ${BIN} <command> [options]

Commands:
${commandList(commands, [['help [command]', 'Show the help of a command (same as <command> --help).']])}

${globalHelp()}

${EXIT_CODES}
Run "${BIN} help <command>" (or "${BIN} <command> --help") for the options of a command.`;
}

export function commandHelp(command: Command): string {
  return `${BIN} ${command.name} — ${command.summary}\n\n${command.help}\n\n${globalHelp(command)}`;
}

/** Commands named `<group> <word>`, e.g. every `subscription …` command. */
export function groupMembers(commands: readonly Command[], group: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

export function groupHelp(commands: readonly Command[], group: string): string {
  const members = groupMembers(commands, group);
  const summary = GROUP_SUMMARIES[group] ?? `the ${group} commands.`;
  return `${BIN} ${group} — ${summary}

Usage: ${BIN} ${group} <command> [options]

Commands:
${commandList(members)}

Run "${BIN} ${group} <command> --help" for the options of a command.`;
}
