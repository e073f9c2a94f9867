/**
 * Server instances as separate Node processes: `test/fixtures/instance.ts` bundled once per run
 * (core from its sources, ioredis left external so the installed copy is used).
 */
import { fileURLToPath } from 'node:url';
import { bundleScript } from '@composio-webhooks/test-redis';
import { build } from 'esbuild';

export {
  type Instance,
  type Posted,
  post,
  startInstance,
} from '@composio-webhooks/test-redis';

/**
 * Bundles the instance script; returns its path (inside this package, so `ioredis` resolves).
 * `coreSources` bundles another copy of core's `src/` (for a "before" measurement).
 */
export function bundleInstance(options: { coreSources?: string } = {}): Promise<string> {
  return bundleScript(build, {
    ...options,
    packageRoot: fileURLToPath(new URL('../../', import.meta.url)),
    entry: 'test/fixtures/instance.ts',
    cacheName: 'redis-tests',
    external: ['ioredis'],
  });
}
