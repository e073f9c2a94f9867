// `next start` on PORT (127.0.0.1), as the CLI runs it: startServer() gives the port in the
// environment, and the Next.js binary reads its arguments from process.argv.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bin = require.resolve('next/dist/bin/next');
process.argv = [
  process.argv[0],
  bin,
  'start',
  '--port',
  process.env.PORT,
  '--hostname',
  '127.0.0.1',
];
require(bin);
