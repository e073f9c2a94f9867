/**
 * `pnpm test:other-nodes [node20|node22|node24 …] [-- vitest args]`: the core and adapter suites
 * (OTHER_NODE_PROJECTS) on Node 22 and 24, one after the other, then a timing summary.
 * The Redis-using projects are not among them; they would need REDIS_URL or redis-server on PATH.
 */
import { OTHER_NODES, runVitestOn, type VitestRun } from '../src/other-nodes.js';

// node20 may be named too, as the baseline of a timing comparison.
const NODES = ['node20', ...OTHER_NODES] as const;
type NodeName = (typeof NODES)[number];
const isNode = (arg: string): arg is NodeName => (NODES as readonly string[]).includes(arg);

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const chosen = argv.filter(isNode);
const vitestArgs = argv.filter((arg) => !isNode(arg));

const runs: VitestRun[] = [];
for (const runtime of chosen.length > 0 ? chosen : OTHER_NODES) {
  console.log(`\n=== vitest on ${runtime} ===`);
  runs.push(await runVitestOn(runtime, undefined, vitestArgs));
}

console.log('\nother Node versions:');
for (const run of runs) {
  const verdict = run.exitCode === 0 ? 'passed' : `FAILED (exit ${run.exitCode})`;
  console.log(`  ${run.runtime} (${run.version}): ${verdict} in ${run.seconds.toFixed(1)} s`);
}
process.exitCode = runs.every((run) => run.exitCode === 0) ? 0 : 1;
