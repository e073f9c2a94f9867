/**
 * Optional runtime checks of trigger `data` against Composio's own schemas. The validators are
 * precompiled standalone functions (`composio-webhooks generate validators` writes the module),
 * so no schema compiler runs at request time. A trigger slug without a validator passes untouched.
 */
import { message, WebhookConfigError, WebhookPayloadError } from './errors.js';
import { ComposioEventType, type WebhookDelivery } from './events.js';

/** One error of a validator, as Ajv reports it (`instancePath` is a JSON pointer). */
export interface TriggerValidationError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** A compiled validator: `true` when valid; otherwise `errors` says where. */
export interface TriggerDataValidateFunction {
  (data: unknown): boolean;
  errors?: readonly TriggerValidationError[] | null;
}

/** One trigger's validator and where its schema came from. */
export interface TriggerValidator {
  validate: TriggerDataValidateFunction;
  /** Toolkit slug, e.g. `github`. */
  toolkit: string;
  /** Version of the trigger type's schema, e.g. `20250930_00`. */
  version: string;
}

/** Trigger slug → validator: what a generated validators module exports. */
export type TriggerValidators = Readonly<Record<string, TriggerValidator>>;

/** `warn` (default): log and report, the handlers still run. `strict`: answer 400 `INVALID_PAYLOAD`. */
export type TriggerMismatchPolicy = 'warn' | 'strict';

/** Trigger data that does not match its schema. Never holds the data itself. */
export interface TriggerDataMismatch {
  slug: string;
  toolkit: string;
  /** The schema version the data was checked against. */
  schemaVersion: string;
  /** JSON pointer into `event.data` of the first problem (`''` = the whole object). */
  pointer: string;
  /** What the schema wants there, e.g. `must be string`. */
  reason: string;
  /** Every problem the validator reported (one, for validators compiled without allErrors). */
  errors: readonly TriggerValidationError[];
}

export type TriggerDataCheck = (delivery: WebhookDelivery) => TriggerDataMismatch | undefined;

/** Checks the option once, at start-up; returns the per-delivery check. */
export function createTriggerDataCheck(validators: unknown): TriggerDataCheck {
  if (validators === null || typeof validators !== 'object' || Array.isArray(validators)) {
    throw new WebhookConfigError(
      message(
        '`triggerValidators` must be the module written by `composio-webhooks generate validators` (an object of trigger slug → { validate, toolkit, version }); import it and pass it as is.',
      ),
    );
  }
  const table = new Map<string, TriggerValidator>();
  for (const [slug, entry] of Object.entries(validators as Record<string, unknown>)) {
    const candidate = entry as Partial<TriggerValidator> | null;
    if (
      candidate === null ||
      typeof candidate !== 'object' ||
      typeof candidate.validate !== 'function' ||
      typeof candidate.version !== 'string' ||
      typeof candidate.toolkit !== 'string'
    ) {
      throw new WebhookConfigError(
        message(
          `triggerValidators.${slug} is not a validator ({ validate, toolkit, version }): regenerate the module with \`composio-webhooks generate validators\`.`,
        ),
      );
    }
    table.set(slug, candidate as TriggerValidator);
  }
  return (delivery) => {
    const event = delivery.event;
    if (event.type !== ComposioEventType.TriggerMessage) return undefined;
    const slug = event.metadata.trigger_slug;
    const validator = table.get(slug);
    if (!validator || validator.validate(event.data)) return undefined;
    const errors = validator.validate.errors ?? [];
    const first = errors[0];
    return {
      slug,
      toolkit: validator.toolkit,
      schemaVersion: validator.version,
      pointer: first?.instancePath ?? '',
      reason: first?.message ?? 'does not match the schema',
      errors: [...errors],
    };
  };
}

export function resolveMismatchPolicy(policy: unknown): TriggerMismatchPolicy {
  if (policy === undefined) return 'warn';
  if (policy === 'warn' || policy === 'strict') return policy;
  throw new WebhookConfigError(
    message(`triggerMismatch must be 'warn' or 'strict', got ${JSON.stringify(policy)}.`),
  );
}

/** The log line of a mismatch (no data values: it may hold personal data). */
export function describeMismatch(
  mismatch: TriggerDataMismatch,
  deliveryId: string,
  policy: TriggerMismatchPolicy,
): string {
  const where = mismatch.pointer === '' ? 'the top level' : mismatch.pointer;
  const then =
    policy === 'strict'
      ? "answered 400 INVALID_PAYLOAD (triggerMismatch: 'strict')"
      : "the handlers still run (triggerMismatch: 'warn'; 'strict' answers 400 instead)";
  return message(
    `Trigger data of ${mismatch.slug} (delivery ${deliveryId}) does not match its schema (${mismatch.toolkit} ${mismatch.schemaVersion}) at ${where}: ${mismatch.reason}; ${then}. Regenerate the validators if Composio published a newer version.`,
  );
}

/** The 400 of strict mode. */
export function mismatchError(
  mismatch: TriggerDataMismatch,
  deliveryId: string,
): WebhookPayloadError {
  return new WebhookPayloadError(describeMismatch(mismatch, deliveryId, 'strict'));
}
