/** The conformance app under serverless-offline (test/offline/serverless.yml), from `dist/`. */
import { fileURLToPath } from 'node:url';
import { requireBuilt, startServerlessOffline } from '@composio-webhooks/test-runtimes';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export function requireLambdaBuilt(): void {
  requireBuilt(packageDir);
  requireBuilt(new URL('../../../core', import.meta.url));
}

export function startOffline() {
  return startServerlessOffline({
    cwd: fileURLToPath(new URL('../offline', import.meta.url)),
    resolveFrom: packageDir,
  });
}
