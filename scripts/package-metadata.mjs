// Keeps the metadata every published package.json must carry in one place: repository (with the
// package's folder), homepage, bugs, and a `prepack` build so a packed tarball is never empty; and
// the root LICENSE copied into each published package (npm packs a package's own LICENSE file
// whatever its `files` say, so every tarball carries the MIT text).
// `node scripts/package-metadata.mjs` writes them; `--check` (run by check-packages) fails on drift.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPOSITORY = 'https://github.com/composio-webhooks/composio-webhooks';
const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const license = readFileSync(join(root, 'LICENSE'), 'utf8');
let drift = 0;

for (const folder of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', folder, 'package.json');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue;
  }
  const pkg = JSON.parse(text);
  if (pkg.private) continue;
  const licenseFile = join(root, 'packages', folder, 'LICENSE');
  if ((existsSync(licenseFile) ? readFileSync(licenseFile, 'utf8') : '') !== license) {
    drift++;
    if (check)
      console.error(
        `${pkg.name}: LICENSE differs from the root's; run node scripts/package-metadata.mjs`,
      );
    else writeFileSync(licenseFile, license);
  }
  const wanted = {
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${folder}` },
    homepage: `${REPOSITORY}/tree/main/packages/${folder}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
  };
  const next = { ...pkg };
  for (const [key, value] of Object.entries(wanted)) next[key] = value;
  next.scripts = { ...pkg.scripts, prepack: 'tsup' };
  // Keep the metadata right after `license`, where readers look for it.
  const ordered = {};
  for (const [key, value] of Object.entries(next)) {
    if (key in wanted) continue;
    ordered[key] = value;
    if (key === 'license') Object.assign(ordered, wanted);
  }
  const out = `${JSON.stringify(ordered, null, 2)}\n`;
  if (out !== text) {
    drift++;
    if (check)
      console.error(`${pkg.name}: package metadata differs; run node scripts/package-metadata.mjs`);
    else writeFileSync(file, out);
  }
}
if (check && drift > 0) process.exit(1);
