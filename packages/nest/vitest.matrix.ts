/**
 * The vitest project of one Nest major: the end-to-end suite in `test/e2e`, with every
 * `@nestjs/*` import (of the suite and of this package's sources) resolved from the given test
 * package (`test-nest11/`, `test-nest12/`), which depends on that major only. Nest's own
 * packages then load each other from there too (pnpm links their peers), so the whole app runs
 * on that major; `test/e2e/versions.test.ts` proves it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.js';

const nestDir = fileURLToPath(new URL('.', import.meta.url));

const NEST_PACKAGES = [
  'common',
  'core',
  'platform-express',
  'platform-fastify',
  'testing',
] as const;

export interface LoadedNest {
  major: number;
  /** Version of each `@nestjs/*` package the suite is aliased to. */
  versions: Record<(typeof NEST_PACKAGES)[number], string>;
  /** Absolute entry file of each of them. */
  entries: Record<(typeof NEST_PACKAGES)[number], string>;
}

declare module 'vitest' {
  interface ProvidedContext {
    nest: LoadedNest;
  }
}

export function nestMatrixProject(major: 11 | 12, testPackageUrl: string) {
  const testPackageDir = fileURLToPath(new URL('.', testPackageUrl));
  const require = createRequire(join(testPackageDir, 'package.json'));
  const versions = {} as LoadedNest['versions'];
  const entries = {} as LoadedNest['entries'];
  for (const name of NEST_PACKAGES) {
    const entry = require.resolve(`@nestjs/${name}`);
    const manifest = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8'));
    if (manifest.name !== `@nestjs/${name}`) {
      throw new Error(`Expected @nestjs/${name} beside ${entry}, found ${manifest.name}.`);
    }
    versions[name] = manifest.version;
    entries[name] = entry;
  }
  const nest: LoadedNest = { major, versions, entries };
  return defineProject({
    resolve: {
      alias: [
        ...NEST_PACKAGES.map((name) => ({
          find: new RegExp(`^@nestjs/${name}$`),
          replacement: entries[name],
        })),
        { find: /^@composio-webhooks\/nest$/, replacement: join(nestDir, 'src/index.ts') },
        ...workspaceAliases,
      ],
    },
    test: {
      name: `nest-nest${major}`,
      root: nestDir,
      include: ['test/e2e/**/*.test.ts'],
      provide: { nest },
      // Nest apps and real sockets: keep files in one worker each, tests in a file sequential.
      testTimeout: 20_000,
    },
  });
}
