/**
 * The README as users copy it: every ```ts block type-checks against the built package (by its
 * name, as a user imports it), and the adapter guide's example adapter passes the conformance
 * suite — the guide's own definition of done.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConformance, serveNode } from '../src/conformance.js';
import { CONFORMANCE_OPTIONS, createConformanceApp } from '../src/conformance-app.js';
import type { HandlerAdapterOptions } from '../src/exchange.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
const scratch = join(packageDir, '.tmp', `readme-${process.pid}`);
mkdirSync(scratch, { recursive: true });
snippets.forEach((snippet, index) => {
  writeFileSync(join(scratch, `snippet-${index}.ts`), snippet);
});
const adapterIndex = snippets.findIndex((snippet) =>
  snippet.includes('createExchange(options, adapter)'),
);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README', () => {
  it('has the adapter guide’s example adapter', () => {
    expect(adapterIndex).toBeGreaterThan(-1);
    expect(snippets[adapterIndex]?.split('\n').length).toBeLessThanOrEqual(30);
  });

  it('every ts snippet type-checks against the built package', async () => {
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true },
        include: ['snippet-*.ts'],
        exclude: [],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', join(scratch, 'tsconfig.json')], {
      cwd: packageDir,
    }).catch((error: { stdout?: string }) => {
      throw new Error(`tsc failed:\n${error.stdout ?? ''}`);
    });
  }, 120_000);
});

describeConformance(
  {
    name: 'the README’s example adapter (node:http)',
    kind: 'handler',
    verifyOnly: false,
    start: async () => {
      const { composioWebhook } = (await import(
        /* @vite-ignore */ join(scratch, `snippet-${adapterIndex}.ts`)
      )) as { composioWebhook(options: HandlerAdapterOptions): Parameters<typeof serveNode>[0] };
      const app = createConformanceApp();
      const server = await serveNode(
        composioWebhook({ ...CONFORMANCE_OPTIONS, router: app.router }),
      );
      return { ...server, runs: async () => app.runs() };
    },
  },
  { describe, it, beforeAll, afterAll },
);
