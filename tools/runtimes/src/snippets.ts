/**
 * README snippets as users copy them: every ```ts block written to a scratch folder inside the
 * package (so the package's name resolves to its built `dist`, as for a user), type-checked with
 * the package's tsconfig, and importable one by one to run them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
