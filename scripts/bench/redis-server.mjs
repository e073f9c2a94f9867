/**
 * A throwaway redis-server for the benchmarks (`REDIS_URL` when set): no persistence, on a free
 * loopback port, optionally pinned to CPUs with taskset so it does not share a core with what is
 * measured.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';

export async function freePort() {
  const server = createTcpServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRedis(cpus) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    tmpdir(),
  ];
  // `cpus` (e.g. '1'): run it under taskset, apart from the process being measured.
  const child =
    cpus && hasTaskset()
      ? spawn('taskset', ['-c', cpus, 'redis-server', ...args], {
          stdio: ['ignore', 'pipe', 'inherit'],
        })
      : spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/Ready to accept connections/.test(out)) resolve();
    });
  });
  child.stdout.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** True when `taskset` (util-linux) can pin processes to CPUs here. */
export function hasTaskset() {
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}
