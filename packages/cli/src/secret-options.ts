/**
 * `--secret` (else $COMPOSIO_WEBHOOK_SECRET) and `--secret-format`, read the same way by every
 * command that signs or verifies.
 */
import type { SecretFormat } from '@composio-webhooks/core';
import { SECRET_ENV_VAR } from '@composio-webhooks/core/adapter';
import { choiceValue, type ParsedValues, UsageError } from './args.js';
import type { CommandContext } from './context.js';

export const SECRET_FORMATS = ['raw', 'standard'] as const satisfies readonly SecretFormat[];

export interface SecretOption {
  /** Non-empty; several only where the option may repeat (listen). */
  secrets: string[];
  /** Where they came from, for messages: `--secret` or `$COMPOSIO_WEBHOOK_SECRET`. */
  source: string;
  format: SecretFormat;
}

export function secretOption(ctx: Pick<CommandContext, 'values' | 'io' | 'command'>): SecretOption {
  // Not split on commas: a secret is taken as it is.
  const value = ctx.values.secret;
  const fromFlag = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? [value]
      : undefined;
  const fromEnv = ctx.io.env[SECRET_ENV_VAR];
  const secrets = fromFlag ?? (fromEnv ? [fromEnv] : []);
  if (secrets.length === 0 || secrets.some((secret) => secret === '')) {
    throw new UsageError(
      `No webhook secret: pass --secret <secret> or set ${SECRET_ENV_VAR}.`,
      ctx.command,
    );
  }
  return {
    secrets,
    source: fromFlag !== undefined ? '--secret' : `$${SECRET_ENV_VAR}`,
    format: secretFormatOption(ctx.values, 'secret-format', ctx.command) ?? 'raw',
  };
}

export function secretFormatOption(
  values: ParsedValues,
  name: string,
  command: string,
): SecretFormat | undefined {
  return choiceValue(values, name, SECRET_FORMATS, command);
}
