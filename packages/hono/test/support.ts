import { fileURLToPath } from 'node:url';
import { requireBuilt } from '@composio-webhooks/test-runtimes';

/** The runtime processes and packaging tests load the built package. */
export const requireHonoBuilt = () => requireBuilt(new URL('..', import.meta.url));

/** A server entry of test/servers. */
export function serverEntry(name: string): string {
  return fileURLToPath(new URL(`./servers/${name}`, import.meta.url));
}
