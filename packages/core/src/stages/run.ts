/**
 * Stage 5, run. Router mode: the router's handlers, inside the instrumentation's scope, under
 * `handlerTimeoutMs` — whichever of the handlers and the deadline comes first settles the answer.
 * Verify-only mode: the delivery is handed to the user's route, whose answer settles it.
 */
import { setDeadline } from '../deadlines.js';
import type { WebhookDelivery } from '../events.js';
import { keepReceivedBody } from '../inbox/received-body.js';
import type { ReceiverResponse } from '../responses.js';
import { hasHandlers } from '../router.js';
import type { WebhookBody } from '../verify.js';
import { logUnmatched } from './answer.js';
import type { RouteLabel, Settlement, WaitUntil } from './settle.js';

/** Runs `fn` inside the request's instrumentation scope (the user's handlers or route). */
export function within<T>(settlement: Settlement, fn: () => T): T {
  const wrap = settlement.trace.scope?.wrap;
  return wrap ? wrap(fn) : fn();
}

/**
 * Router mode: dispatches and answers 200, 500 (released) or 503 at the deadline (held until the
 * handlers settle). Never rejects.
 */
export function runHandlers(
  settlement: Settlement,
  body: WebhookBody,
  waitUntil: WaitUntil | undefined,
): Promise<ReceiverResponse> {
  const { pipeline, delivery, trace } = settlement;
  const { router, handlerTimeoutMs } = pipeline;
  if (pipeline.keepsBody) keepReceivedBody(delivery, body, trace.headers);
  else if (hasHandlers(router, delivery.event) === false) logUnmatched(pipeline, trace);
  let dispatching: Promise<void>;
  try {
    dispatching = within(settlement, () => router.dispatch(delivery));
  } catch (error) {
    // A custom router whose dispatch throws instead of rejecting.
    return settlement.fail(error);
  }
  if (handlerTimeoutMs === false) {
    return dispatching.then(
      () => settlement.complete(),
      (error: unknown) => settlement.fail(error),
    );
  }
  // One deadline and one promise per delivery.
  return new Promise<ReceiverResponse>((resolve) => {
    let answered = false;
    const timer = setDeadline(() => {
      answered = true;
      resolve(settlement.outlive(dispatching, handlerTimeoutMs, waitUntil));
    }, handlerTimeoutMs);
    dispatching.then(
      () => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(settlement.complete());
      },
      (error: unknown) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(settlement.fail(error));
      },
    );
  });
}

/** How the user's route answered a handed-over delivery (verify-only mode). */
export type RouteAnswer =
  /** The status the route answered with. */
  | number
  /** The route passed the request on without answering (e.g. Koa: nothing set after `next()`). */
  | 'unanswered'
  /** The connection closed before the route answered. */
  | 'closed';

/** What handing over ended in: the route answered, or `respond` with this, or it threw. */
export type HandOverEnd =
  | { type: 'handed-over' }
  | { type: 'respond'; response: ReceiverResponse }
  | { type: 'route-failed'; error: unknown; response: ReceiverResponse };

const HANDED_OVER: HandOverEnd = { type: 'handed-over' };

/**
 * Verify-only mode: gives the delivery to the user's route and settles from its answer (the one
 * settle rule: 2xx processed; another status, a closed connection or a throw released; passed on
 * without an answer processed, answered 200 here). Never rejects.
 */
export async function handOver(
  settlement: Settlement,
  route: (delivery: WebhookDelivery, body: WebhookBody) => Promise<RouteAnswer>,
  body: WebhookBody,
  label: RouteLabel,
): Promise<HandOverEnd> {
  let answer: RouteAnswer;
  try {
    answer = await within(settlement, () => route(settlement.delivery, body));
  } catch (error) {
    return { type: 'route-failed', error, response: await settlement.fail(error) };
  }
  if (answer === 'unanswered') return { type: 'respond', response: await settlement.complete() };
  await settlement.settle(answer === 'closed' ? undefined : answer, label);
  return HANDED_OVER;
}
