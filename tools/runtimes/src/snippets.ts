/**
 * README snippets as users copy them: every ```ts block written to a scratch folder inside the
 * package (so the package's name resolves to its built `dist`, as for a user), type-checked with
 * the package's tsconfig, and importable one by one to run them. And what a README opens with:
 * its first snippet, its install line and the packages each names (`readmeOpening`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface ReadmeSnippets {
  /** The ```ts blocks, in order. */
  snippets: string[];
  /** The file snippet `index` was written to (import it to run the snippet). */
  file(index: number): string;
  /** Runs `tsc --noEmit` over every snippet with the package's tsconfig; rejects with its output. */
  typecheck(): Promise<void>;
  remove(): void;
}

export interface ReadmeSnippetOptions {
  /** The package's config the snippets compile with (default `tsconfig.json`). */
  tsconfig?: string;
  /**
   * What the test changes before running a snippet, e.g. `app.listen(3000)` → `export default
   * app` so the test serves the app itself. `snippets` keeps the README's text.
   */
  edit?: (snippet: string, index: number) => string;
}

/** `options`: a tsconfig name, or `ReadmeSnippetOptions`. */
export function readmeSnippets(
  packageDir: string | URL,
  options: string | ReadmeSnippetOptions = {},
): ReadmeSnippets {
  const { tsconfig = 'tsconfig.json', edit } =
    typeof options === 'string' ? { tsconfig: options } : options;
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
  const scratch = join(dir, '.tmp', `readme-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  const file = (index: number) => join(scratch, `snippet-${index}.ts`);
  snippets.forEach((snippet, index) => {
    writeFileSync(file(index), edit ? edit(snippet, index) : snippet);
  });
  return {
    snippets,
    file,
    async typecheck() {
      writeFileSync(
        join(scratch, 'tsconfig.json'),
        JSON.stringify({
          extends: `../../${tsconfig}`,
          compilerOptions: { noEmit: true },
          include: ['snippet-*.ts'],
          exclude: [],
        }),
      );
      const tsc = join(dir, '..', '..', 'node_modules', '.bin', 'tsc');
      try {
        await promisify(execFile)(tsc, ['-p', join(scratch, 'tsconfig.json')], { timeout: 90_000 });
      } catch (error) {
        throw new Error(
          `README snippets of ${dir} do not compile:\n${(error as { stdout?: string }).stdout ?? error}`,
        );
      }
    },
    remove: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

/** A package README's first code block and its install line, as a user meets them. */
export interface ReadmeOpening {
  /** The first fenced code block other than the install line's (the snippet a README opens with). */
  snippet: string;
  /** Its language tag (`ts`, `sh`, …). */
  language: string;
  /** The first `npm install` / `npm i` / `pnpm add` / `yarn add` line of a ```sh block, if any. */
  installLine: string | undefined;
  /** What the install line installs: `{ name, range }` (`range` from `name@range`, else `undefined`). */
  installs: InstallSpec[];
}

export interface InstallSpec {
  name: string;
  range: string | undefined;
}

const INSTALL_COMMAND =
  /^\s*(?:npm\s+(?:install|i|add)|pnpm\s+(?:add|install|i)|yarn\s+add)\s+(.*)$/;

/** Reads a README's opening snippet and install line (see `ReadmeOpening`). */
export function readmeOpening(readme: string): ReadmeOpening {
  const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)];
  let installLine: string | undefined;
  let installBlock: (typeof blocks)[number] | undefined;
  for (const block of blocks) {
    if (block[1] !== 'sh' && block[1] !== 'bash') continue;
    installLine = (block[2] as string).split('\n').find((line) => INSTALL_COMMAND.test(line));
    installBlock = block;
    if (installLine) break;
  }
  // The snippet is the first block that is not the install line's own (which may come first).
  const first = blocks.find((block) => block !== installBlock || !installLine);
  return {
    snippet: first?.[2] ?? '',
    language: first?.[1] ?? '',
    installLine: installLine?.trim(),
    installs: installLine ? installSpecs(installLine) : [],
  };
}

/** The packages an install command line names (flags, comments and what follows `&&`/`;` left out). */
export function installSpecs(line: string): InstallSpec[] {
  const args = (INSTALL_COMMAND.exec(line)?.[1] ?? '')
    .replace(/\s#.*$/, '')
    .split(/&&|;|\|/)[0] as string;
  return args
    .split(/\s+/)
    .filter((arg) => arg !== '' && !arg.startsWith('-'))
    .map((arg) => {
      const at = arg.indexOf('@', 1);
      return at === -1
        ? { name: arg, range: undefined }
        : { name: arg.slice(0, at), range: arg.slice(at + 1) };
    });
}

/**
 * The npm packages a snippet imports (static and dynamic `import`, `import type`, `export … from`,
 * `require`): bare specifiers reduced to their package name, Node built-ins left out.
 */
export function importedPackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s+['"]([^'"]+)['"]/g),
    ...code.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] as string);
  const names = specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/'))
    .filter((specifier) => !specifier.startsWith('node:') && !isBuiltin(specifier))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
  return [...new Set(names)];
}
