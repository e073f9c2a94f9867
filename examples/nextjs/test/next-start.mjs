// `next start` on PORT (127.0.0.1), as the CLI runs it: startServer() gives the port in the
// environment, and the Next.js binary reads its arguments from process.argv. It runs in the
// app's folder whatever the caller's (the demo runs from examples/demo).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const bin = require.resolve('next/dist/bin/next');
process.chdir(fileURLToPath(new URL('..', import.meta.url)));
process.argv = [process.argv[0], bin, 'start', '--port', String(process.env.PORT)];
process.argv.push('--hostname', '127.0.0.1');
require(bin);
