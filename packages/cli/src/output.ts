/**
 * Where and how the CLI writes: human text or `--json`, colour only on a terminal (never when
 * piped, never with NO_COLOR or TERM=dumb, forced with FORCE_COLOR), a spinner only on a
 * terminal's stderr.
 */

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI touches outside itself: injectable for in-process use and tests. */
export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  /** Resolves when a long-running command (`listen`) must stop. Default: SIGINT/SIGTERM. */
  stopSignal?: AbortSignal;
}

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

export function colorEnabled(stream: OutStream, env: CliIo['env'], noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const identity = (text: string) => text;
const sgr = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

export function makeStyle(enabled: boolean): Style {
  if (!enabled) {
    return {
      bold: identity,
      dim: identity,
      red: identity,
      green: identity,
      yellow: identity,
      cyan: identity,
    };
  }
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Output {
  readonly json: boolean;
  /** Style for stdout. */
  readonly style: Style;
  /** Style for stderr. */
  readonly errStyle: Style;
  private readonly io: CliIo;

  constructor(io: CliIo, options: { json: boolean; noColor: boolean }) {
    this.io = io;
    this.json = options.json;
    this.style = makeStyle(colorEnabled(io.stdout, io.env, options.noColor));
    this.errStyle = makeStyle(colorEnabled(io.stderr, io.env, options.noColor));
  }

  /** A line on stdout. */
  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** A JSON document on stdout (`--json`). */
  data(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One compact JSON object per line on stdout (streams, e.g. `listen --json`). */
  record(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** A line on stderr: progress, hints, errors. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** A spinner on stderr, only when stderr is a terminal and not in `--json` mode. */
  spinner(text: string): Spinner {
    const stream = this.io.stderr;
    if (this.json || stream.isTTY !== true || this.io.env.TERM === 'dumb') {
      return { update() {}, stop() {} };
    }
    let label = text;
    let frame = 0;
    const draw = () => {
      stream.write(
        `\r\u001b[2K${this.errStyle.cyan(FRAMES[frame % FRAMES.length] ?? '')} ${label}`,
      );
      frame++;
    };
    draw();
    const timer = setInterval(draw, 80);
    timer.unref?.();
    return {
      update(next) {
        label = next;
        draw();
      },
      stop() {
        clearInterval(timer);
        stream.write('\r\u001b[2K');
      },
    };
  }
}
