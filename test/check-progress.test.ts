/**
 * `pnpm run check`'s progress line reads each step's output: the lines below are what vitest 4's
 * default reporter, turbo and check:packages print (colours included, as FORCE_COLOR=0 does not
 * stop every tool from colouring).
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs module of the root scripts, without declarations
import { progressOf } from '../scripts/lib/progress.mjs';

interface Progress {
  files: { phase: string; name: string; ms: number }[];
  onLine(line: string): void;
  describe(): string;
}
const feed = (kind: string | undefined, lines: string[]): Progress => {
  const progress = progressOf(kind) as Progress;
  for (const line of lines) progress.onLine(line);
  return progress;
};

describe('check progress', () => {
  it('counts vitest test files per phase, with their durations', () => {
    const progress = feed('vitest', [
      '=== vitest on node22 ===',
      ' \u001b[32m✓\u001b[39m \u001b[30m\u001b[46m core \u001b[49m\u001b[39m src/verify.test.ts \u001b[2m(40 tests)\u001b[22m\u001b[32m 812\u001b[2mms\u001b[22m\u001b[39m',
      '   ✓ a slow test inside it 1203ms',
      ' ❯ |express| test/express.test.ts (12 tests | 1 failed) 2345ms',
      '=== vitest on node24 ===',
      ' ✓ |koa| test/koa.test.ts (3 tests | 1 skipped) 97ms',
    ]);
    expect(progress.files).toEqual([
      { phase: 'vitest on node22', name: 'core  src/verify.test.ts', ms: 812 },
      { phase: 'vitest on node22', name: '|express| test/express.test.ts', ms: 2345 },
      { phase: 'vitest on node24', name: '|koa| test/koa.test.ts', ms: 97 },
    ]);
    expect(progress.describe()).toBe(
      'vitest on node24: 1 test files done (latest |koa| test/koa.test.ts)',
    );
  });

  it('counts the turbo tasks started', () => {
    const progress = feed('turbo', [
      '• Running build in 23 packages',
      '@composio-webhooks/core:build: cache miss, executing 364e6d723c4d6c80',
      '@composio-webhooks/core:build: ESM Build start',
      'example-express:build: Wrote src/composio-validators.js',
    ]);
    expect(progress.describe()).toBe(
      '2 tasks started (latest: example-express:build: Wrote src/composio-validators.js)',
    );
  });

  it('counts the packages checked, and otherwise shows the last line', () => {
    expect(
      feed('packages', [
        '✓ @composio-webhooks/core: publint and attw clean',
        '✗ @composio-webhooks/web',
      ]).describe(),
    ).toBe('2 packages checked');
    expect(feed(undefined, ['packed 14 packages', '  ']).describe()).toBe(
      'latest: packed 14 packages',
    );
    expect(feed(undefined, []).describe()).toBe('no output yet');
  });
});
