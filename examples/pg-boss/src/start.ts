/**
 * `pnpm --filter example-pg-boss start`: the receiver and one worker as two processes, as you
 * would deploy them. Ctrl-C stops both (SIGTERM: the worker lets running handlers finish).
 */
import { spawn } from 'node:child_process';

const children = ['receiver', 'worker'].map((name) =>
  spawn(process.execPath, ['--import', 'tsx', new URL(`./${name}.ts`, import.meta.url).pathname], {
    stdio: 'inherit',
    env: process.env,
  }),
);

function stop(): void {
  for (const child of children) child.kill('SIGTERM');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', stop);
