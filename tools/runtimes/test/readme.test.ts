/** The README's opening snippet, run as written from test/ (where it says its servers are). */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const file = new URL(`./.readme-snippet-${process.pid}.ts`, import.meta.url);

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(file, { force: true });
});

it('the opening snippet starts Deno, delivers a signed webhook (200) and closes', async () => {
  const opening = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(opening).toContain("runtime: 'deno'");
  const logged: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logged.push(args);
  });
  writeFileSync(file, opening as string);
  await import(/* @vite-ignore */ file.href);
  expect(logged).toEqual([[200]]);
});
