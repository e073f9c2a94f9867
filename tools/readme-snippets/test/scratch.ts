/**
 * The scratch projects of the README install-line test, outside the repository: the public
 * packages packed as `npm publish` would (from the build), and one project per README holding
 * exactly what its install line installs — the tarballs it names, the third-party packages at the
 * versions the workspace pins (from the local store), their peers as npm would add them — plus the
 * TypeScript set-up a user has (the `@types/…` of what the line installs; `typescript` and
 * `@types/node` at the root). One `pnpm install` links them all; nothing is hoisted, so a project
 * sees only its own dependencies. Each README's snippet is compiled in its project as a user's
 * strict ESM (NodeNext) TypeScript project would compile it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { InstallSpec } from '@composio-webhooks/test-runtimes';
import { packAll } from '../../../scripts/lib/pack.mjs';
import { pinnedVersion, workspacePins } from './versions.js';

const run = promisify(execFile);

export interface PackedScratch {
  dir: string;
  /** The project of README `name`: `readmes/<name>`. */
  project(name: string): string;
  /** Seconds the one install took. */
  installSeconds: number;
  /** Writes each project's `snippet.ts`, compiles it beside it; resolves to tsc's errors per name. */
  compile(snippets: Map<string, string>): Promise<Map<string, string[]>>;
  remove(): void;
}

const typesPackage = (name: string) =>
  `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;

/**
 * `readmes`: each README's install line by name; `harness`: public packages the test itself
 * imports from the root (the signing helpers).
 */
export async function packedScratch(
  root: string,
  readmes: Map<string, InstallSpec[]>,
  harness: string[],
): Promise<PackedScratch> {
  const dir = mkdtempSync(join(tmpdir(), 'composio-webhooks-readme-install-'));
  const tarballs = packAll(dir);
  const pins = workspacePins(root);
  const version = (spec: InstallSpec) => {
    const tarball = tarballs.get(spec.name);
    if (tarball) return `file:${tarball}`;
    if (spec.name.startsWith('@composio-webhooks/')) {
      throw new Error(`an install line names ${spec.name}, which is not a public package`);
    }
    return pinnedVersion(pins, spec);
  };
  const project = (name: string) => join(dir, 'readmes', name);
  const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value));

  for (const [name, installs] of readmes) {
    const dependencies: Record<string, string> = {};
    for (const spec of installs) dependencies[spec.name] = version(spec);
    const devDependencies: Record<string, string> = {};
    for (const spec of installs) {
      const types = typesPackage(spec.name);
      if (pins.has(types))
        devDependencies[types] = pinnedVersion(pins, { name: types, range: undefined });
    }
    mkdirSync(project(name), { recursive: true });
    writeJson(join(project(name), 'package.json'), {
      name: `readme-${name}`,
      private: true,
      type: 'module',
      dependencies,
      devDependencies,
    });
  }
  const rootDependencies: Record<string, string> = {};
  for (const name of harness) rootDependencies[name] = version({ name, range: undefined });
  for (const name of ['typescript', '@types/node']) {
    rootDependencies[name] = pinnedVersion(pins, { name, range: undefined });
  }
  writeJson(join(dir, 'package.json'), {
    name: 'readme-install-test',
    private: true,
    type: 'module',
    dependencies: rootDependencies,
  });
  // Dependencies between the packages (an adapter's on core) resolve to the tarballs too.
  const overrides = [...tarballs].map(([name, file]) => `  '${name}': 'file:${file}'`);
  writeFileSync(
    join(dir, 'pnpm-workspace.yaml'),
    `packages:\n  - readmes/*\nhoist: false\noverrides:\n${overrides.join('\n')}\n`,
  );
  const started = performance.now();
  await run(
    'pnpm',
    ['install', '--prefer-offline', '--ignore-scripts', '--config.confirmModulesPurge=false'],
    { cwd: dir, timeout: 300_000 },
  );
  const installSeconds = (performance.now() - started) / 1000;

  return {
    dir,
    project,
    installSeconds,
    async compile(snippets) {
      for (const [name, code] of snippets) writeFileSync(join(project(name), 'snippet.ts'), code);
      writeJson(join(dir, 'tsconfig.json'), {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023'],
          types: ['node'],
          strict: true,
          skipLibCheck: true,
          esModuleInterop: true,
          // Nest's set-up (its README says so); no effect on the other snippets.
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
        },
        include: ['readmes/*/snippet.ts'],
      });
      const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
      const output = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
        cwd: dir,
        timeout: 180_000,
      }).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      // An error's first line names its file; the indented lines after it continue it.
      const errors = new Map<string, string[]>();
      let current = '';
      for (const line of output.split('\n')) {
        if (!line.trim()) continue;
        if (!/^\s/.test(line)) current = /^readmes\/([\w-]+)\/snippet\.ts\(/.exec(line)?.[1] ?? '';
        errors.set(current, [...(errors.get(current) ?? []), line]);
      }
      return errors;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
