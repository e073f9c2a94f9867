/**
 * Every ```ts snippet of every README compiles under strict TypeScript as written, against the
 * BUILT packages (what users install). The snippets are written into tools/readme-snippets, a
 * private package that depends on every package and every framework the READMEs show, and
 * type-checked there with the repository's strict settings. Runs after `pnpm build`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

interface Snippet {
  readme: string;
  index: number;
  code: string;
  host: string;
}

function snippetsOf(readme: string, defaultHost: string | undefined): Snippet[] {
  const text = readFileSync(join(root, readme), 'utf8');
  const snippets: Snippet[] = [];
  let index = 0;
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const code = match[1] as string;
    const host = defaultHost ?? /from '@composio-webhooks\/([a-z]+)/.exec(code)?.[1] ?? 'core';
    snippets.push({ readme, index: index++, code, host });
  }
  return snippets;
}

const readmes: Snippet[] = [
  ...snippetsOf('README.md', undefined),
  ...readdirSync(join(root, 'packages'))
    .filter((name) => existsSync(join(root, 'packages', name, 'README.md')))
    .flatMap((name) => snippetsOf(`packages/${name}/README.md`, name)),
];

const byHost = new Map<string, Snippet[]>();
for (const snippet of readmes) {
  const list = byHost.get(snippet.host) ?? [];
  list.push(snippet);
  byHost.set(snippet.host, list);
}

describe('README snippets compile under strict TypeScript', () => {
  for (const [host, snippets] of byHost) {
    it(`${snippets.length} snippet(s) about @composio-webhooks/${host}`, () => {
      const dir = join(root, 'tools', 'readme-snippets', '.tmp', host);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const files = new Map<string, Snippet>();
      for (const snippet of snippets) {
        const name = `${snippet.readme.replace(/[/.]/g, '_')}_${snippet.index}.ts`;
        // `export {}` makes every snippet a module of its own (imports or not).
        writeFileSync(join(dir, name), `${snippet.code}\nexport {};\n`);
        files.set(name, snippet);
      }
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          extends: relative(dir, join(root, 'tsconfig.base.json')),
          compilerOptions: {
            noEmit: true,
            lib: ['ES2023', 'DOM', 'DOM.Iterable'],
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            noUnusedLocals: false,
            declaration: false,
            // How most apps resolve (Next.js, Vite, tsx); NodeNext consumers are tested by attw and the
            // packaging tests.
            module: 'ESNext',
            moduleResolution: 'Bundler',
          },
          include: ['*.ts'],
        }),
      );
      let output = '';
      try {
        execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
          cwd: dir,
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout ?? error);
      }
      const problems = output
        .split('\n')
        .filter((line) => /error TS/.test(line))
        .map((line) => {
          const file = line.split('(')[0] as string;
          const snippet = files.get(file);
          return snippet ? `${snippet.readme} snippet #${snippet.index + 1}: ${line}` : line;
        });
      expect(problems).toEqual([]);
    });
  }
});
