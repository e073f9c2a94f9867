// What a step of `pnpm run check` has done so far, read from its output line by line: test files
// finished (vitest), tasks started (turbo), packages checked (check:packages), else its last line.
import { stripVTControlCharacters } from 'node:util';

/** `kind`: 'vitest' | 'turbo' | 'packages' | undefined. */
export function progressOf(kind) {
  const files = [];
  const tasks = new Set();
  let phase = '';
  let checked = 0;
  let last = '';
  return {
    files,
    onLine(raw) {
      const line = stripVTControlCharacters(raw).trimEnd();
      if (line.trim()) last = line.trim();
      if (kind === 'vitest') {
        // Vitest's line per finished test file: " ✓ |core| src/verify.test.ts (40 tests) 812ms".
        const file = /^\s*[✓×✗↓❯]\s+(.+?)\s+\(\d+ tests?[^)]*\)\s*(?:(\d+)ms)?/.exec(line);
        if (file) files.push({ phase, name: file[1], ms: Number(file[2] ?? 0) });
        const heading = /^=== (.+) ===$/.exec(line);
        if (heading) phase = heading[1];
      } else if (kind === 'turbo') {
        const task = /^([^\s:]+:[\w:-]+): /.exec(line);
        if (task) tasks.add(task[1]);
      } else if (kind === 'packages' && /^[✓✗] /.test(line)) {
        checked++;
      }
    },
    describe() {
      if (kind === 'vitest') {
        const done = files.filter((f) => f.phase === phase).length;
        const latest = files.at(-1);
        return `${phase ? `${phase}: ` : ''}${done} test files done${latest ? ` (latest ${latest.name})` : ''}`;
      }
      if (kind === 'turbo')
        return `${tasks.size} tasks started${last ? ` (latest: ${last.slice(0, 70)})` : ''}`;
      if (kind === 'packages') return `${checked} packages checked`;
      return last ? `latest: ${last.slice(0, 90)}` : 'no output yet';
    },
  };
}
