/**
 * The benchmark's server process (forked by scripts/bench/adapter-bench.mjs with argv[2] =
 * `<major>-<platform>`, e.g. `12-fastify`): loads the bench app prepared beside that Nest major
 * (see nest.bench.mjs) and answers the parent's IPC messages.
 */
import { pathToFileURL } from 'node:url';
import { benchDir } from './prepare.mjs';

const [major, platform] = (process.argv[2] ?? '12-express').split('-');
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const { startBenchApp } = await import(pathToFileURL(`${benchDir(major)}/app.mjs`).href);
const app = await startBenchApp(platform, secret);

process.on('message', (message) => {
  if (message.type === 'reset-memory') {
    app.resetMemory();
    process.send({ type: 'reset' });
  } else if (message.type === 'counts') {
    const cpu = process.cpuUsage();
    process.send({ type: 'counts', handled: { ...app.handled }, cpuMicros: cpu.user + cpu.system });
  }
});
process.send({ type: 'listening', port: app.port, major: `${major}-${platform}` });
