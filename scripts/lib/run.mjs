// The root scripts' one way of running a command: its output captured (shown when it fails),
// each line handed to `onLine` as it arrives (for progress), and how long it took.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Runs `command args` from the repository root (or `options.cwd`). Resolves to its exit code, its
 * output (stdout and stderr interleaved) and its duration in seconds; never rejects.
 * `options.inherit` shows the output as it comes instead of capturing it.
 */
export function run(command, args, options = {}) {
  const { cwd = ROOT, env = {}, inherit = false, onLine } = options;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    });
    const chunks = [];
    let partial = '';
    const collect = (chunk) => {
      chunks.push(chunk);
      if (!onLine) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const done = (code) =>
      resolve({
        code,
        output: Buffer.concat(chunks).toString('utf8'),
        seconds: (performance.now() - started) / 1000,
      });
    child.once('error', (error) => {
      chunks.push(Buffer.from(`${command}: ${error.message}\n`));
      done(127);
    });
    child.once('close', (code, signal) => {
      if (partial && onLine) onLine(partial);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

/**
 * CPU seconds (user + system) used by this process's finished children and their descendants, as
 * Linux counts them (`cutime` + `cstime` of /proc/self/stat, in clock ticks of 1/100 s); `undefined`
 * elsewhere. The difference around a step is its CPU time, which, unlike its wall time, does not
 * grow when other work shares the machine.
 */
export function childrenCpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at the state (field 3): cutime is 16, cstime 17.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** `83.4 s` below two minutes, `4 min 05 s` above. */
export function duration(seconds) {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}
