/**
 * Argument parsing on `node:util` `parseArgs`: global options anywhere, command words first,
 * strict checking of each command's own options.
 */
import { parseArgs } from 'node:util';
import { didYouMean } from './suggest.js';

export type OptionSpec = {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
};
export type OptionSpecs = Record<string, OptionSpec>;
export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  /** The command whose help to point at, e.g. `subscription set`. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Options of the API client, accepted everywhere but listed only by commands that call the API. */
export const API_OPTIONS = ['api-key', 'base-url'] as const;

export const GLOBAL_OPTIONS = {
  'api-key': { type: 'string' },
  'base-url': { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies OptionSpecs;

/**
 * The leading command words (`['subscription', 'set']`) and the remaining arguments. Only global
 * options may come before or between command words.
 */
export function splitCommandWords(
  argv: readonly string[],
  maxWords: number,
): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  let i = 0;
  for (; i < argv.length && words.length < maxWords; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (!arg.startsWith('-')) {
      words.push(arg);
      continue;
    }
    const name = arg.replace(/^-+/, '').split('=')[0] ?? '';
    const spec = (GLOBAL_OPTIONS as OptionSpecs)[name];
    if (!spec) break; // a command option: the command words are over
    rest.push(arg);
    if (spec.type === 'string' && !arg.includes('=') && i + 1 < argv.length) {
      rest.push(argv[++i] ?? '');
    }
  }
  return { words, rest: [...rest, ...argv.slice(i)] };
}

export function parseCommandArgs(
  args: readonly string[],
  options: OptionSpecs,
  command: string,
  /** Option names worth suggesting for a typo (those the command lists). */
  known: readonly string[] = [...Object.keys(GLOBAL_OPTIONS), ...Object.keys(options)],
): { values: ParsedValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedValues, positionals };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '(--?[^'=]+)/.exec(text)?.[1];
    if (unknown !== undefined) {
      throw new UsageError(unknownOption(unknown, args, known, command), command);
    }
    throw new UsageError(cleanParseError(text), command);
  }
}

/**
 * `Unknown option --prot for listen. Did you mean --port?`. A long name typed with one dash
 * (`-port`) reaches parseArgs as short options (`-p`): it is named as typed and matched too.
 */
function unknownOption(
  unknown: string,
  args: readonly string[],
  known: readonly string[],
  command: string,
): string {
  const render = (name: string) => `--${name}`;
  if (unknown.startsWith('--')) {
    return `Unknown option ${unknown} for ${command}.${didYouMean(unknown.slice(2), known, render)}`;
  }
  const typed = args.find((arg) => /^-[^-]{2,}/.test(arg) && arg.startsWith(unknown));
  if (typed === undefined) return `Unknown option ${unknown} for ${command}.`;
  const word = typed.slice(1).split('=')[0] ?? '';
  return `Unknown option ${typed.split('=')[0]} for ${command}.${didYouMean(word, known, render)}`;
}

function cleanParseError(message: string): string {
  // parseArgs messages end with hints about `--` that do not fit here; keep the first sentence.
  const first = message.split('. ')[0] ?? message;
  return first.endsWith('.') ? first : `${first}.`;
}

export function stringValue(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringList(values: ParsedValues, name: string): string[] | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list
    .flatMap((item) => String(item).split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function flag(values: ParsedValues, name: string): boolean {
  return values[name] === true;
}

export function integerValue(
  values: ParsedValues,
  name: string,
  command: string,
  range: { min: number; max?: number },
): number | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < range.min || (range.max !== undefined && value > range.max)) {
    const bounds =
      range.max === undefined ? `≥ ${range.min}` : `between ${range.min} and ${range.max}`;
    throw new UsageError(`--${name} must be an integer ${bounds}, got "${raw}".`, command);
  }
  return value;
}

export function choiceValue<T extends string>(
  values: ParsedValues,
  name: string,
  choices: readonly T[],
  command: string,
): T | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  const match = choices.find((choice) => choice.toLowerCase() === raw.toLowerCase());
  if (match === undefined) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${raw}".`, command);
  }
  return match;
}

export function expectPositionals(
  positionals: readonly string[],
  command: string,
  range: { max: number; names: string },
): void {
  if (positionals.length > range.max) {
    const extra = positionals.slice(range.max).join(' ');
    throw new UsageError(
      range.max === 0
        ? `${command} takes no arguments, got "${extra}".`
        : `${command} takes at most ${range.names}, got an extra "${extra}".`,
      command,
    );
  }
}

/** An http(s) URL option, if given. */
export function urlValue(values: ParsedValues, name: string, command: string): string | undefined {
  const url = stringValue(values, name);
  if (url !== undefined && !/^https?:\/\/\S+$/i.test(url))
    throw new UsageError(`--${name} must be an http(s) URL, got "${url}".`, command);
  return url;
}

/** A required http(s) URL option; `missing` says what it is for. */
export function requiredUrl(
  values: ParsedValues,
  name: string,
  command: string,
  missing: string,
): string {
  const url = urlValue(values, name, command);
  if (url === undefined) throw new UsageError(missing, command);
  return url;
}
