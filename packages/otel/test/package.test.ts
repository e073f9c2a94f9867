/**
 * The package as users get it, and what it costs those who do not install it: core (what every
 * adapter ships) has no OpenTelemetry import or dependency, and the built otel entry loads from
 * ESM and CommonJS with `@opentelemetry/api` as its only import besides core. Build first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const coreDir = join(packageDir, '..', 'core');
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

function distFiles(dir: string): string[] {
  const dist = join(dir, 'dist');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`pnpm build\` first.`);
  return readdirSync(dist)
    .filter((name) => /\.(c?js|d\.c?ts)$/.test(name))
    .map((name) => join(dist, name));
}

describe('without @composio-webhooks/otel, nothing of OpenTelemetry is loaded', () => {
  it('core has no OpenTelemetry dependency, import or require', () => {
    const core = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8'));
    const declared = Object.keys({
      ...core.dependencies,
      ...core.peerDependencies,
      ...core.optionalDependencies,
    });
    expect(declared.filter((name) => name.includes('opentelemetry'))).toEqual([]);
    const files = distFiles(coreDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/@opentelemetry/);
    }
  });
});

describe('the built package', () => {
  it('declares @opentelemetry/api as a peer and imports only it and core', () => {
    expect(pkg.peerDependencies).toEqual({ '@opentelemetry/api': '^1.3.0' });
    expect(pkg.dependencies).toEqual({ '@composio-webhooks/core': 'workspace:^' });
    for (const file of distFiles(packageDir).filter((f) => /\.c?js$/.test(f))) {
      const imported = [
        ...readFileSync(file, 'utf8').matchAll(/(?:from |require\()['"]([^'"]+)['"]/g),
      ].map((m) => m[1]);
      expect(new Set(imported), file).toEqual(new Set(['@opentelemetry/api']));
    }
  });

  it.each([
    ['ESM', 'import("@composio-webhooks/otel").then((m) => check(m))'],
    ['CommonJS', 'check(require("@composio-webhooks/otel"))'],
  ])('loads from %s', (_format, load) => {
    const script = `const check = (m) => {
      const scope = m.otelInstrumentation().onRequest({ headers: {} });
      scope.onOutcome({ type: 'rejected', status: 401, code: 'MISSING_HEADERS', durationMs: 1 });
      console.log(JSON.stringify({ name: m.INSTRUMENTATION_NAME, metric: m.WebhookMetrics.DELIVERIES }));
    };
    ${load};`;
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim())).toEqual({
      name: '@composio-webhooks/otel',
      metric: 'composio.webhook.deliveries',
    });
  });
});
