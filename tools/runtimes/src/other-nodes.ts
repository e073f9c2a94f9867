/**
 * The core and adapter suites on Node 22 and 24 as well: the repository's own `vitest run`,
 * started with another Node binary (vitest's workers then run on it too).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RuntimeName, runtimeBinary } from './runtimes.js';

/** The repository root (this file is tools/runtimes/src/other-nodes.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Vitest projects that run on every supported Node: core and the framework adapters. */
export const OTHER_NODE_PROJECTS = [
  'core',
  'express',
  'koa',
  'nest',
  'nest-nest11',
  'nest-nest12',
] as const;

export const OTHER_NODES = ['node22', 'node24'] as const satisfies readonly RuntimeName[];
export type OtherNode = (typeof OTHER_NODES)[number];

export interface VitestRun {
  runtime: RuntimeName;
  version: string;
  exitCode: number;
  seconds: number;
}

function vitestEntry(): string {
  const fromRoot = createRequire(join(REPO_ROOT, 'package.json'));
  return join(dirname(fromRoot.resolve('vitest/package.json')), 'vitest.mjs');
}

/** `vitest run --project …` from the repository root on `runtime`'s binary, output inherited. */
export function runVitestOn(
  runtime: RuntimeName,
  projects: readonly string[] = OTHER_NODE_PROJECTS,
  extraArgs: readonly string[] = [],
): Promise<VitestRun> {
  const node = runtimeBinary(runtime);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const args = [
    vitestEntry(),
    'run',
    ...projects.flatMap((project) => ['--project', project]),
    ...extraArgs,
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd: REPO_ROOT, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      resolve({
        runtime,
        version,
        exitCode: code ?? (signal ? 128 : 1),
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}
