/**
 * Server instances as separate Node processes: `test/fixtures/instance.ts` bundled once per run
 * (workspace packages from their sources; pg and express left external, the installed copies).
 */
import { fileURLToPath } from 'node:url';
import { bundleScript } from '@composio-webhooks/test-redis';
import { build } from 'esbuild';

export { type Instance, type Posted, post, startInstance } from '@composio-webhooks/test-redis';

export function bundleInstance(): Promise<string> {
  return bundleScript(build, {
    packageRoot: fileURLToPath(new URL('../../', import.meta.url)),
    entry: 'test/fixtures/instance.ts',
    cacheName: 'postgres-tests',
    external: ['pg', 'express'],
  });
}
