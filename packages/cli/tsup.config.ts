import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

// `bin.ts` starts with a hashbang, which esbuild keeps.
export default defineConfig(packageBuild(['src/index.ts', 'src/bin.ts']));
