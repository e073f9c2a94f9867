import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { setDeadline } from './deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** deadlines.ts (it imports nothing) as a plain ES module a child Node process can load. */
function compiledModule(): string {
  const source = readFileSync(new URL('./deadlines.ts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const file = join(mkdtempSync(join(tmpdir(), 'deadlines-')), 'deadlines.mjs');
  writeFileSync(file, outputText);
  return file;
}

function runNode(script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('setDeadline', () => {
  it('runs the callback once the duration has passed, not before', async () => {
    const started = Date.now();
    const fired = await new Promise<number>((resolve) => {
      setDeadline(() => resolve(Date.now()), 40);
    });
    expect(fired - started).toBeGreaterThanOrEqual(39);
  });

  it('never runs a cleared deadline, however many of the same duration come and go', async () => {
    let runs = 0;
    for (let i = 0; i < 1000; i++) clearTimeout(setDeadline(() => runs++, 25));
    const last = new Promise<void>((resolve) => setDeadline(resolve, 25));
    await last;
    await sleep(30);
    expect(runs).toBe(0);
  });

  it('does not keep a process alive once its deadlines are cleared (the keeper is unref’d)', () => {
    const module = compiledModule();
    // Two pending 60 s deadlines, cleared: the process must exit at once, not after 60 s.
    const script = `
      const { setDeadline } = await import(${JSON.stringify(module)});
      clearTimeout(setDeadline(() => console.log('fired'), 60000));
      const second = setDeadline(() => console.log('fired'), 60000);
      setTimeout(() => clearTimeout(second), 20);
    `;
    const started = Date.now();
    const result = runNode(script);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keeps a process alive while a deadline is pending, and runs it', () => {
    const module = compiledModule();
    const script = `
      const { setDeadline } = await import(${JSON.stringify(module)});
      clearTimeout(setDeadline(() => console.log('cleared one ran'), 300));
      setDeadline(() => console.log('fired'), 300);
    `;
    const result = runNode(script);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('fired\n');
    expect(result.status).toBe(0);
  });
});
