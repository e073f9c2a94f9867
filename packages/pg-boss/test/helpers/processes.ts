/** The receiver and worker fixtures, bundled once per run and started as their own processes. */
import { fileURLToPath } from 'node:url';
import { bundleScript } from '@composio-webhooks/test-redis';
import { build } from 'esbuild';

export { type Instance, startInstance } from '@composio-webhooks/test-redis';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export function bundleFixture(name: 'receiver' | 'worker'): Promise<string> {
  return bundleScript(build, {
    packageRoot,
    entry: `test/fixtures/${name}.ts`,
    cacheName: 'pg-boss-tests',
    external: ['pg-boss', 'pg', 'express'],
  });
}
