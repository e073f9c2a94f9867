import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** The runtime processes load the built package: fail with how to fix it when it is missing. */
export async function requireBuilt(): Promise<void> {
  for (const file of ['index.js', 'index.cjs', 'index.d.ts']) {
    if (!existsSync(`${dist}${file}`)) {
      throw new Error(
        `${dist}${file} is missing: run \`pnpm --filter @composio-webhooks/web build\` before these tests.`,
      );
    }
  }
}

/** A server entry of test/servers. */
export function serverEntry(name: string): string {
  return fileURLToPath(new URL(`./servers/${name}`, import.meta.url));
}
