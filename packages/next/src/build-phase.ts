/**
 * `next build` evaluates every route module to collect its configuration, usually without the
 * runtime's secrets. Handlers built at module level would then fail the build with "No webhook
 * secret", so during the build they are built on their first request instead; at run time
 * (`next start`, `next dev`) configuration mistakes still throw when the module loads.
 */
const PHASE_PRODUCTION_BUILD = 'phase-production-build';

export function isNextBuild(): boolean {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.NEXT_PHASE === PHASE_PRODUCTION_BUILD;
}

/** `build()` now, or on the first call of the function it returns during `next build`. */
export function buildNowOrOnFirstCall<A extends unknown[], R>(
  build: () => (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  if (!isNextBuild()) return build();
  let built: ((...args: A) => Promise<R>) | undefined;
  // A configuration mistake then rejects the first request (Next.js answers it 500).
  return async (...args) => {
    built ??= build();
    return built(...args);
  };
}
