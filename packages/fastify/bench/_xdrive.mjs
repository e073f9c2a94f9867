import { fork } from 'node:child_process';
import * as testing from '@composio-webhooks/core/testing';
import autocannon from 'autocannon';
import { signedPool } from '../../../scripts/bench/adapter-bench.mjs';
import { pin } from '../../../scripts/bench/pin.mjs';
const [server, roundsS, secsS, ...paths] = process.argv.slice(2);
const child = fork(server, [process.env.MAJOR ?? '5'], { env: { ...process.env, BENCH_SECRET: 'bench-secret-for-composio-webhooks' }, stdio: ['ignore','inherit','inherit','ipc'] });
const port = await new Promise(r => child.once('message', m => r(m.port)));
pin(child.pid, 1); pin(process.pid, 0);
const pool = await signedPool(2000, testing);
let cursor = 0;
const go = (path, d) => new Promise((res, rej) => autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 10, duration: d, requests: [{ method: 'POST', setupRequest(req) { const x = pool[cursor++ % pool.length]; return { ...req, headers: x.headers, body: x.body }; } }] }, (e, r) => e ? rej(e) : res(r)));
const cpu = () => new Promise(r => { child.once('message', m => r(m)); child.send({ type: 'counts' }); });
for (const p of paths) await go(p, 1);
const res = Object.fromEntries(paths.map(p => [p, []]));
for (let round = 0; round < Number(roundsS); round++) {
  const order = paths.map((_, i) => paths[(i + round) % paths.length]);
  for (const p of order) { const b = await cpu(); const r = await go(p, Number(secsS)); const a = await cpu(); if (r.non2xx) throw new Error('non2xx ' + p); res[p].push((a.cpuMicros - b.cpuMicros) / r['2xx']); }
}
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const b0 = res[paths[0]];
for (const p of paths) { const ratios = res[p].map((v, i) => b0[i] / v); console.log(p.padEnd(14), med(res[p]).toFixed(1), 'us/req', 'capacity ratio', med(ratios).toFixed(3)); }
child.kill();
