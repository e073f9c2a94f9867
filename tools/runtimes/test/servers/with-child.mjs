// Starts a grandchild (`sleep`), prints its pid, then listens: close() must end both.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';

const child = spawn('sleep', ['600'], { stdio: 'ignore' });
console.log(`grandchild ${child.pid}`);
createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
