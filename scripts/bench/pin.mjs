/**
 * CPU pinning for the benchmarks (2-core machines): the process measured and its load generator
 * each get a CPU of their own, so they do not steal time from each other.
 */
import { execFileSync } from 'node:child_process';

/**
 * Pins a process and every thread it has to one CPU (threads it starts later inherit it); false
 * when taskset is missing or the CPU does not exist.
 */
export function pin(pid, cpu) {
  try {
    execFileSync('taskset', ['-apc', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
