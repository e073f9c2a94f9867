/**
 * Turns the configured secret(s) into HMAC keys, once, and checks them at start-up.
 *
 * `raw` (default, Composio): the key is the UTF-8 bytes of the whole secret string, as-is —
 * what Composio's SDKs and CLI sign with. `standard`: a Standard Webhooks `whsec_<base64>`
 * secret, base64-decoded after the prefix (the `standardwebhooks`/`svix` convention).
 */
import { message, WebhookConfigError } from './errors.js';
import { type CryptoBackend, createHmacKey, decodeBase64, type HmacKey } from './hmac.js';

export type SecretFormat = 'raw' | 'standard';

export const SECRET_ENV_VAR = 'COMPOSIO_WEBHOOK_SECRET';

export interface PreparedSecrets {
  keys: readonly HmacKey[];
  /** Things worth saying when no signature matches (never the secret itself). */
  hints: readonly string[];
}

function processEnv(): Record<string, string | undefined> | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return typeof proc?.env === 'object' && proc.env !== null ? proc.env : undefined;
}

/** Resolves `secret` (or the environment variable) to a non-empty list of secret strings. */
export function resolveSecrets(secret: unknown): string[] {
  if (secret === undefined) {
    const env = processEnv();
    if (env === undefined) {
      // Cloudflare Workers (without nodejs_compat) and browsers-like runtimes: no env to read.
      throw new WebhookConfigError(
        message(
          `No webhook secret: this runtime has no process.env to read ${SECRET_ENV_VAR} from, so pass \`secret\`. In a Cloudflare Worker, build the handler from the Worker's env once: handler ??= composioWebhook({ router, secret: env.${SECRET_ENV_VAR} }).`,
        ),
      );
    }
    const fromEnv = env[SECRET_ENV_VAR];
    if (fromEnv === undefined || fromEnv.trim() === '') {
      throw new WebhookConfigError(
        message(
          `No webhook secret: pass \`secret\` or set ${SECRET_ENV_VAR} (it is ${fromEnv === undefined ? 'not set' : 'empty'}). Copy the secret of your Composio webhook subscription into it.`,
        ),
      );
    }
    return [fromEnv];
  }
  const list = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(list)) {
    throw new WebhookConfigError(
      message('`secret` must be a string or an array of strings (several during a rotation).'),
    );
  }
  if (list.length === 0) {
    throw new WebhookConfigError(
      message('`secret` is an empty array: give at least one secret, e.g. [newSecret, oldSecret].'),
    );
  }
  list.forEach((value, index) => {
    const where = Array.isArray(secret) ? `secret[${index}]` : '`secret`';
    if (typeof value !== 'string') {
      throw new WebhookConfigError(message(`${where} must be a string, got ${typeof value}.`));
    }
    if (value.trim() === '') {
      throw new WebhookConfigError(
        message(
          `${where} is empty. Pass the secret of your Composio webhook subscription (often from ${SECRET_ENV_VAR}); check that the variable is loaded before this code runs.`,
        ),
      );
    }
  });
  return list as string[];
}

const encoder = new TextEncoder();

export function keyBytes(secret: string, format: SecretFormat, index: number): Uint8Array {
  if (format === 'raw') return encoder.encode(secret);
  const body = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const bytes = decodeBase64(body);
  if (bytes === undefined || bytes.byteLength === 0) {
    throw new WebhookConfigError(
      message(
        `secret${index > 0 ? `[${index}]` : ''} is not a Standard Webhooks secret (\`whsec_\` followed by base64). With secretFormat: 'standard' the part after \`whsec_\` must be base64; for a Composio secret use secretFormat: 'raw' (the default).`,
      ),
    );
  }
  return bytes;
}

export function prepareSecrets(
  secret: unknown,
  format: unknown = 'raw',
  backend?: CryptoBackend,
): PreparedSecrets {
  if (format !== 'raw' && format !== 'standard') {
    throw new WebhookConfigError(
      message(
        `secretFormat must be 'raw' (Composio, the default) or 'standard' (whsec_ base64), got ${JSON.stringify(format)}.`,
      ),
    );
  }
  const secrets = resolveSecrets(secret);
  const keys = secrets.map((value, index) =>
    createHmacKey(keyBytes(value, format, index), backend),
  );
  const hints: string[] = [];
  if (secrets.some((value) => value !== value.trim())) {
    hints.push(
      'a configured secret has leading or trailing whitespace (a copy-paste or .env quoting mistake?)',
    );
  }
  if (format === 'raw' && secrets.some((value) => value.startsWith('whsec_'))) {
    hints.push(
      "a secret starts with whsec_ but secretFormat is 'raw': if the sender follows Standard Webhooks (svix, standardwebhooks), use secretFormat: 'standard'",
    );
  }
  if (format === 'standard') {
    hints.push(
      "secretFormat is 'standard': Composio signs with the raw secret string, so Composio deliveries need secretFormat: 'raw'",
    );
  }
  return { keys, hints };
}
