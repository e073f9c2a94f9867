import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

// The client itself only needs the global `fetch`; `testing` (the fake API server) imports node:http.
export default defineConfig(packageBuild(['src/index.ts', 'src/testing.ts']));
