/**
 * Test helpers: sign deliveries the way Composio does and build realistic events of every type,
 * so handlers can be tested in a few lines:
 *
 * ```ts
 * import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';
 * const { body, headers } = await signWebhook({ payload: buildTriggerMessage(), secret });
 * await request(app).post('/webhooks/composio').set(headers).send(body).expect(200);
 * ```
 */
import { isWebhookError, type WebhookConfigError } from './errors.js';
import type { WebhookLogger } from './logger.js';
import type { ReceiverOutcome } from './outcome.js';
import { type SignedWebhook, type SignWebhookInput, signWebhook } from './sign.js';

export {
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  type ConformanceApp,
  type ConformanceBehaviour,
  type ConformanceRun,
  createConformanceApp,
} from './conformance-app.js';
export {
  type SignedWebhook,
  type SignedWebhookHeaders,
  type SignWebhookInput,
  signWebhook,
} from './sign.js';
export {
  type ClaimSuiteRunner,
  type ClaimSuiteTarget,
  describeClaimRenewal,
  SHORT_LEASE_MS,
} from './testing-claims.js';
export {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
  buildV2TriggerPayload,
  type ConnectionExpiredInput,
  messageId,
  type TriggerDisabledInput,
  type TriggerMessageInput,
  type V1TriggerPayload,
  type V2TriggerPayload,
} from './testing-events.js';

/** A signer bound to one secret: `const sign = signerFor(SECRET); await sign(event, { id })`. */
export function signerFor(
  secret: string,
  defaults: Partial<Omit<SignWebhookInput, 'payload' | 'secret'>> = {},
): (
  payload: unknown,
  extra?: Partial<Omit<SignWebhookInput, 'payload'>>,
) => Promise<SignedWebhook> {
  return (payload, extra = {}) => signWebhook({ secret, ...defaults, ...extra, payload });
}

/** What a receiver logged and reported, recorded instead of printed. */
export interface OutcomeRecorder {
  /** Pass as `logger`. */
  logger: WebhookLogger;
  /** Pass as `onOutcome`. */
  onOutcome: (outcome: ReceiverOutcome) => void;
  outcomes: ReceiverOutcome[];
  warnings: string[];
  errors: string[];
}

/** Records `logger` and `onOutcome` calls, so tests can assert on them (and stay quiet). */
export function recordOutcomes(): OutcomeRecorder {
  const outcomes: ReceiverOutcome[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    outcomes,
    warnings,
    errors,
    logger: {
      warn: (message) => warnings.push(message),
      error: (message) => errors.push(message),
    },
    onOutcome: (outcome) => outcomes.push(outcome),
  };
}

/** The `WebhookConfigError` that `build` throws; throws itself when `build` does not. */
export function configErrorOf(build: () => unknown): WebhookConfigError {
  try {
    build();
  } catch (error) {
    if (isWebhookError(error) && error.code === 'INVALID_CONFIG') {
      return error as WebhookConfigError;
    }
    throw new Error(`expected a WebhookConfigError, got ${String(error)}`);
  }
  throw new Error('expected a WebhookConfigError, but nothing was thrown');
}
