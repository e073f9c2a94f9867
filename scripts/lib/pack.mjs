// The public packages and their tarballs as `npm publish` would upload them. Packing runs after
// `pnpm build` with lifecycle scripts off, so it reuses the build instead of running each package's
// `prepack` build again (kept for publishing).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run.mjs';

/** Every package of packages/* that is not private: `{ name, dir, pkg }`, sorted by folder. */
export function publicPackages() {
  const packages = [];
  for (const folder of readdirSync(join(ROOT, 'packages')).sort()) {
    const dir = join(ROOT, 'packages', folder);
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (!pkg.private) packages.push({ name: pkg.name, dir, pkg });
  }
  return packages;
}

/** The tarball name `pnpm pack` gives `name@version`. */
export const tarballName = (name, version) =>
  `${name.replace('@', '').replace('/', '-')}-${version}.tgz`;

/**
 * Packs every public package into `destination`; resolves to package name → tarball path. Fails,
 * saying how to fix it, when a package has not been built.
 */
export function packAll(destination) {
  const tarballs = new Map();
  for (const { name, dir, pkg } of publicPackages()) {
    if (!existsSync(join(dir, 'dist'))) {
      throw new Error(`${name} has no dist/ to pack: run \`pnpm build\` first.`);
    }
    execFileSync('pnpm', ['pack', '--ignore-scripts', '--pack-destination', destination], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const file = join(destination, tarballName(name, pkg.version));
    if (!existsSync(file)) throw new Error(`pnpm pack left no ${file} for ${name}`);
    tarballs.set(name, file);
  }
  return tarballs;
}
