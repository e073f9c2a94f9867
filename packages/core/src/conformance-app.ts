/**
 * The app side of the conformance suite: the handlers every adapter's conformance app mounts.
 * Their behaviour is driven by the delivery itself (`data.conformance`), so the same suite can
 * drive an app in this process or in a Bun, Deno or workerd process, and observe the handler
 * runs through `GET <base>/__conformance/runs`. No Node built-ins.
 */
import type { WebhookDelivery } from './events.js';
import { createWebhookRouter, type WebhookRouter } from './router.js';

/** What a conformance delivery asks its handler (or verify-only route) to do. */
export interface ConformanceBehaviour {
  /** Sleep this long before settling. */
  sleepMs?: number;
  /** Fail (throw) on the first `failTimes` runs of this id, then succeed. */
  failTimes?: number;
  /** Verify-only route: answer with this status (default 200). */
  answer?: number;
}

/** One handler (or route) run, as recorded by the app. */
export interface ConformanceRun {
  id: string;
  type: string;
  version: string;
  mode: 'router' | 'verify-only';
  /** The attempt header, when sent. */
  attempt?: number;
}

/** The conformance app's routes, relative to the server's base URL. */
export const CONFORMANCE_PATHS = Object.freeze({
  router: '/webhooks/composio',
  verifyOnly: '/verify-only',
  runs: '/__conformance/runs',
});

/** The options every conformance app passes to its adapter (plus `router` in router mode). */
export const CONFORMANCE_OPTIONS = Object.freeze({
  secret: 'conformance-secret-7f3a9c1e',
  handlerTimeoutMs: 1500,
  bodyTimeoutMs: 1500,
  logger: false as const,
});

export interface ConformanceApp {
  /** Router-mode handlers: record the run, then behave as `data.conformance` says. */
  router: WebhookRouter;
  /**
   * The verify-only route: records the run, behaves as `data.conformance` says and resolves to
   * the status to answer with (it throws when asked to fail).
   */
  route(delivery: WebhookDelivery): Promise<number>;
  /** Every run so far (serve it as JSON at `CONFORMANCE_PATHS.runs`). */
  runs(): ConformanceRun[];
}

export function createConformanceApp(): ConformanceApp {
  const runs: ConformanceRun[] = [];
  const failures = new Map<string, number>();

  async function behave(delivery: WebhookDelivery, mode: ConformanceRun['mode']): Promise<number> {
    const run: ConformanceRun = {
      id: delivery.id,
      type: delivery.event.type,
      version: delivery.version,
      mode,
    };
    if (delivery.attempt !== undefined) run.attempt = delivery.attempt;
    runs.push(run);
    const behaviour = behaviourOf(delivery);
    if (behaviour.sleepMs) await new Promise((resolve) => setTimeout(resolve, behaviour.sleepMs));
    const failed = failures.get(delivery.id) ?? 0;
    if (failed < (behaviour.failTimes ?? 0)) {
      failures.set(delivery.id, failed + 1);
      throw new Error(`conformance: failing run ${failed + 1} of ${delivery.id} on purpose`);
    }
    return behaviour.answer ?? 200;
  }

  return {
    router: createWebhookRouter().onAny(async (_event, delivery) => {
      await behave(delivery, 'router');
    }),
    route: (delivery) => behave(delivery, 'verify-only'),
    runs: () => runs.slice(),
  };
}

function behaviourOf(delivery: WebhookDelivery): ConformanceBehaviour {
  const data = (delivery.event as { data?: unknown }).data;
  const behaviour =
    typeof data === 'object' && data !== null
      ? (data as { conformance?: unknown }).conformance
      : undefined;
  return typeof behaviour === 'object' && behaviour !== null
    ? (behaviour as ConformanceBehaviour)
    : {};
}
