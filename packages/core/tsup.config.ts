import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

export default defineConfig(
  packageBuild([
    'src/index.ts',
    'src/kit.ts',
    'src/adapter.ts',
    'src/testing.ts',
    'src/conformance.ts',
    'src/node.ts',
  ]),
);
