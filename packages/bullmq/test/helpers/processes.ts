/** The receiver and worker fixtures, bundled once per run and started as their own processes. */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleScript } from '../../../../test-support/processes.js';

export { type Instance, startInstance } from '../../../../test-support/processes.js';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export function bundleFixture(name: 'receiver' | 'worker'): Promise<string> {
  return bundleScript(build, {
    packageRoot,
    entry: `test/fixtures/${name}.ts`,
    cacheName: 'bullmq-tests',
    external: ['bullmq', 'ioredis', 'express'],
  });
}
