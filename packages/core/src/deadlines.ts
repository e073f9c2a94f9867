/**
 * The per-request deadlines (`bodyTimeoutMs`, `handlerTimeoutMs`): a `setTimeout` each, cleared
 * when the work finishes first.
 *
 * Node keeps one timer list per duration and drops it when its last timer is cleared. A server
 * whose deliveries each start and clear a timer of the same duration would rebuild and reschedule
 * that list on nearly every request, which costs more than the rest of the deadline. So, on Node,
 * the first deadline of a duration also starts an unref'd timer of that duration (a "keeper")
 * that keeps the list alive while traffic flows; it never keeps the process alive, and it lapses
 * after one quiet period. Elsewhere (Deno, Workers, where a timer belongs to its request) a
 * deadline is a plain `setTimeout`.
 */

type Timer = ReturnType<typeof setTimeout>;

/** Durations whose keeper is pending. */
const kept = new Set<number>();
let nodeTimers: boolean | undefined;

function keepsLists(): boolean {
  if (nodeTimers === undefined) {
    const scope = globalThis as {
      process?: { versions?: { node?: unknown } };
      navigator?: { userAgent?: unknown };
    };
    nodeTimers =
      typeof scope.process?.versions?.node === 'string' &&
      !('Deno' in globalThis) &&
      !('Bun' in globalThis) &&
      scope.navigator?.userAgent !== 'Cloudflare-Workers';
  }
  return nodeTimers;
}

/** `setTimeout(onExpire, ms)`, cheap to start and clear many times over (see above). */
export function setDeadline(onExpire: () => void, ms: number): Timer {
  if (!kept.has(ms) && keepsLists()) {
    const keeper = setTimeout(() => kept.delete(ms), ms) as Timer & { unref?: () => void };
    if (typeof keeper.unref === 'function') {
      keeper.unref();
      kept.add(ms);
    } else {
      clearTimeout(keeper);
    }
  }
  return setTimeout(onExpire, ms);
}
