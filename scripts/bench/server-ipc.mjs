/**
 * The IPC side of an adapter's bench server (packages/<adapter>/bench/server.mjs), shared so the
 * Express and Koa servers answer the same messages:
 *
 *   reset-memory → a fresh dedupe receiver (`resetMemory()`), answered `reset`
 *   counts       → handler runs per route and the process's CPU time, answered `counts`
 *   heap         → heap and RSS after a full GC (needs --expose-gc), answered `heap`
 */
export function serveBenchIpc({ handled, resetMemory }) {
  process.on('message', (message) => {
    if (message.type === 'reset-memory') {
      resetMemory();
      process.send({ type: 'reset' });
    } else if (message.type === 'counts') {
      const cpu = process.cpuUsage();
      process.send({ type: 'counts', handled: { ...handled }, cpuMicros: cpu.user + cpu.system });
    } else if (message.type === 'heap') {
      globalThis.gc?.();
      globalThis.gc?.();
      const { heapUsed, rss } = process.memoryUsage();
      process.send({ type: 'heap', heapUsed, rss, gc: typeof globalThis.gc === 'function' });
    }
  });
}
