/**
 * How a claim stays held while its handlers run (the claim stage's upkeep). A claim is a lease:
 * it lapses after the store's `leaseMs` unless renewed. Whatever `leaseMs` and `handlerTimeoutMs`
 * are, a claim whose handlers (or verify-only route) still run is renewed, every third of its
 * lease, until they settle — before the 503 at `handlerTimeoutMs` and after it — so a copy never
 * starts a second run. A store without `renew` cannot be kept: the combinations that would let a
 * claim lapse under a running handler are refused at start-up (`checkLeases`).
 *
 * One keeper per receiver and one interval for all its claims, running only while a claim is
 * held. The claims in flight are a list threaded through the claims themselves: holding and
 * releasing one is four pointer writes — no timer, no allocation, no hashing per request.
 */
import { message, WebhookConfigError } from './errors.js';
import type { WebhookDelivery } from './events.js';
import { DEFAULT_LEASE_MS, type IdempotencyStore } from './idempotency.js';
import { deliveryFields, type WebhookLog } from './logger.js';

/** A claim in flight, as the keeper sees it (the links are the keeper's). */
export interface HeldClaim {
  readonly delivery: WebhookDelivery;
  readonly token: string | undefined;
  heldPrev: HeldClaim | undefined;
  heldNext: HeldClaim | undefined;
  held: boolean;
}

/** The lease of a store that does not say: core's default. */
const leaseOf = (store: IdempotencyStore): number => store.leaseMs ?? DEFAULT_LEASE_MS;

/**
 * Refuses, at start-up, what would let a claim lapse under a running handler: only possible with a
 * store that cannot `renew`. `timeoutGiven` says whether `handlerTimeoutMs` was passed (for the
 * message).
 */
export function checkLeases(
  store: IdempotencyStore | undefined,
  handlerTimeoutMs: number | false,
  timeoutGiven: boolean,
): void {
  if (store === undefined || typeof store.renew === 'function') return;
  const lease = store.leaseMs;
  if (typeof lease !== 'number') return;
  const fix = `Give the store a renew(id, token) method (the stores of @composio-webhooks/core, /redis and /postgres have one), so claims are held until their handlers settle`;
  if (handlerTimeoutMs === false) {
    throw new WebhookConfigError(
      message(
        `handlerTimeoutMs: false lets handlers run without limit, but the idempotency store has no renew(), so its claims lapse after leaseMs (${lease} ms) and a copy could then run concurrently. ${fix}, or set handlerTimeoutMs below ${lease} ms.`,
      ),
    );
  }
  if (handlerTimeoutMs >= lease) {
    throw new WebhookConfigError(
      message(
        `handlerTimeoutMs (${handlerTimeoutMs} ms${timeoutGiven ? '' : ', the default'}) is not shorter than the idempotency store's leaseMs (${lease} ms), and the store has no renew(), so a claim could lapse while its handler runs and a copy run concurrently. ${fix}, or set handlerTimeoutMs below ${lease} ms, or raise the store's leaseMs.`,
      ),
    );
  }
}

export class LeaseKeeper {
  private head: HeldClaim | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly every: number;

  constructor(
    private readonly store: IdempotencyStore & Required<Pick<IdempotencyStore, 'renew'>>,
    private readonly log: WebhookLog | undefined,
  ) {
    this.every = Math.max(10, Math.floor(leaseOf(store) / 3));
  }

  /** Keeps `claim` renewed until `release(claim)`. */
  hold(claim: HeldClaim): void {
    claim.held = true;
    claim.heldPrev = undefined;
    claim.heldNext = this.head;
    if (this.head) this.head.heldPrev = claim;
    this.head = claim;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.renewAll(), this.every);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Stops renewing `claim` (its handlers settled). */
  release(claim: HeldClaim): void {
    if (!claim.held) return;
    claim.held = false;
    const { heldPrev, heldNext } = claim;
    if (heldPrev) heldPrev.heldNext = heldNext;
    else this.head = heldNext;
    if (heldNext) heldNext.heldPrev = heldPrev;
    claim.heldPrev = undefined;
    claim.heldNext = undefined;
  }

  private renewAll(): void {
    if (this.head === undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    for (let claim: HeldClaim | undefined = this.head; claim; claim = claim.heldNext) {
      this.renew(claim);
    }
  }

  private renew(claim: HeldClaim): void {
    this.store.renew(claim.delivery.id, claim.token as string).then(
      (kept) => {
        if (kept || !claim.held) return;
        this.release(claim);
        this.log?.warn(
          message(
            `Lost the claim of ${claim.delivery.id} while its handlers were still running (the store no longer had it: its lease lapsed before a renewal reached the store); a copy may run concurrently. Raise the store's leaseMs.`,
          ),
          deliveryFields(claim.delivery),
        );
      },
      // A store briefly down: the next renewal tries again, well within the lease.
      () => undefined,
    );
  }
}

/** The keeper of a store's claims, or `undefined` for a store that cannot renew them. */
export function createLeaseKeeper(
  store: IdempotencyStore | undefined,
  log: WebhookLog | undefined,
): LeaseKeeper | undefined {
  if (store === undefined || typeof store.renew !== 'function') return undefined;
  return new LeaseKeeper(
    store as IdempotencyStore & Required<Pick<IdempotencyStore, 'renew'>>,
    log,
  );
}
