/**
 * The claim-renewal suite of the testing kit: every combination of a store's `leaseMs` (short and
 * explicit, or the default) and the receiver's `handlerTimeoutMs` (shorter than the lease, longer,
 * the default, `false`), on a real store. The handler outlives the short lease; copies arrive
 * after it would have lapsed without renewal, before and after the 503, and must never start a
 * second run. A store package runs it with its own store (`@composio-webhooks/redis` does).
 */
import type { IdempotencyStore } from './idempotency.js';
import { createWebhookReceiver } from './receiver.js';
import type { ReceiverResponse } from './responses.js';
import { createWebhookRouter } from './router.js';
import { signWebhook } from './sign.js';
import { buildTriggerMessage } from './testing-events.js';

/** The test functions of the runner (vitest, jest), injected. */
export interface ClaimSuiteRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
}

export interface ClaimSuiteTarget {
  /** Shown in test names, e.g. `RedisIdempotencyStore`. */
  name: string;
  /** A fresh store with this `leaseMs`, or the store's default when `undefined`. */
  store(leaseMs: number | undefined): IdempotencyStore;
}

/** The short lease of the suite; the handler runs `RUN_MS`, more than three of them. */
export const SHORT_LEASE_MS = 300;
const RUN_MS = 1_000;
const secret = 'claim-renewal-secret';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const leases: Array<[string, number | undefined]> = [
  [`leaseMs ${SHORT_LEASE_MS}`, SHORT_LEASE_MS],
  ['the default leaseMs', undefined],
];
const timeouts: Array<[string, number | false | undefined]> = [
  ['handlerTimeoutMs 100 (shorter than the lease)', 100],
  ['handlerTimeoutMs 600 (longer than the short lease)', 600],
  ['the default handlerTimeoutMs (10 s)', undefined],
  ['handlerTimeoutMs: false', false],
];

/** Registers one test per combination: a copy during the run never starts a second one. */
export function describeClaimRenewal(target: ClaimSuiteTarget, t: ClaimSuiteRunner): void {
  t.describe(`claims stay held until the handlers settle: ${target.name}`, () => {
    for (const [leaseName, leaseMs] of leases) {
      for (const [timeoutName, handlerTimeoutMs] of timeouts) {
        t.it(
          `${leaseName}, ${timeoutName}: copies during a ${RUN_MS} ms run get 409, the run happens once`,
          () => runCombination(target, leaseMs, handlerTimeoutMs),
          15_000,
        );
      }
    }
  });
}

async function runCombination(
  target: ClaimSuiteTarget,
  leaseMs: number | undefined,
  handlerTimeoutMs: number | false | undefined,
): Promise<void> {
  let runs = 0;
  const router = createWebhookRouter().onAny(async () => {
    runs++;
    await sleep(RUN_MS);
  });
  const receiver = createWebhookReceiver({
    secret,
    router,
    idempotency: target.store(leaseMs),
    logger: false,
    ...(handlerTimeoutMs !== undefined && { handlerTimeoutMs }),
  });
  const signed = await signWebhook({ payload: buildTriggerMessage(), secret });
  const started = Date.now();
  const first = receiver.receive(signed);
  // After the short lease would have lapsed without renewal (twice), and after the 503 at 100 or
  // 600 ms, while the handler still runs.
  const copies: ReceiverResponse[] = [];
  for (const at of [2 * SHORT_LEASE_MS, 3 * SHORT_LEASE_MS - 50, RUN_MS - 100]) {
    await sleep(at - (Date.now() - started));
    copies.push(await receiver.receive(signed));
  }
  const answered = await first;
  const expectedFirst = handlerTimeoutMs === undefined || handlerTimeoutMs === false ? 200 : 503;
  check(
    answered.status === expectedFirst,
    `first answered ${answered.status}, expected ${expectedFirst}`,
  );
  for (const copy of copies) {
    check(
      copy.status === 409,
      `a copy during the run answered ${copy.status}: ${JSON.stringify(copy.body)}`,
    );
  }
  // Settled (late, after a 503): the claim is recorded, the next copy is a duplicate.
  const deadline = Date.now() + 3_000;
  let later = await receiver.receive(signed);
  while (later.status === 409 && Date.now() < deadline) {
    await sleep(50);
    later = await receiver.receive(signed);
  }
  check(
    later.status === 200 && 'duplicate' in later.body && later.body.duplicate === true,
    `after the run: ${later.status} ${JSON.stringify(later.body)}`,
  );
  check(runs === 1, `the handler ran ${runs} times`);
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`claim renewal: ${what}`);
}
