/**
 * Signs a delivery the way Composio does, for tests and local tools. The result is the exact
 * body string and the headers to send with it.
 */
import { message, WebhookConfigError } from './errors.js';
import type { WebhookVersion } from './events.js';
import { HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, HEADER_VERSION } from './headers.js';
import type { CryptoBackend } from './hmac.js';
import { decodeBody } from './parse.js';
import { prepareSecrets, type SecretFormat } from './secrets.js';

export interface SignWebhookInput {
  /** An object is serialized with `JSON.stringify`; a string or bytes are signed as they are. */
  payload: unknown;
  /** The secret to sign with (the first entry of a rotation list). */
  secret: string;
  secretFormat?: SecretFormat;
  /** `webhook-id`; default: the payload's `id`, else a fresh `msg_<uuid>`. */
  id?: string;
  /** `webhook-timestamp` in Unix seconds (or a Date); default: now. */
  timestamp?: number | Date;
  crypto?: CryptoBackend;
}

// A type alias, not an interface: it then fits `Record<string, …>` header parameters, so
// `verifyWebhook({ payload: body, headers })` compiles with the result of `signWebhook`.
export type SignedWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'x-composio-webhook-version': WebhookVersion;
  'content-type': 'application/json';
};

export interface SignedWebhook {
  /** The exact body that was signed: send it byte for byte. */
  body: string;
  headers: SignedWebhookHeaders;
}

// `ignoreBOM: true`: `body` is the text of the bytes as given, a leading BOM included.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export async function signWebhook(input: SignWebhookInput): Promise<SignedWebhook> {
  if (typeof input?.secret !== 'string') {
    throw new WebhookConfigError(message('signWebhook needs `secret` (a string).'));
  }
  const { payload } = input;
  const body =
    typeof payload === 'string'
      ? payload
      : payload instanceof Uint8Array
        ? decoder.decode(payload)
        : JSON.stringify(payload);
  if (typeof body !== 'string') {
    throw new WebhookConfigError(message('signWebhook: the payload cannot be serialized to JSON.'));
  }
  const object = objectOf(
    typeof payload === 'object' && !(payload instanceof Uint8Array) ? payload : body,
  );
  const id =
    input.id ??
    (typeof object?.id === 'string' && object.id !== ''
      ? object.id
      : `msg_${globalThis.crypto.randomUUID()}`);
  const timestamp =
    input.timestamp instanceof Date
      ? Math.floor(input.timestamp.getTime() / 1000)
      : (input.timestamp ?? Math.floor(Date.now() / 1000));
  const [key] = prepareSecrets(input.secret, input.secretFormat ?? 'raw', input.crypto).keys;
  // Bytes are signed as given, like the verifier checks them.
  const signature = await key?.sign(
    `${id}.${timestamp}.`,
    payload instanceof Uint8Array ? payload : body,
  );
  return {
    body,
    headers: {
      [HEADER_ID]: id,
      [HEADER_TIMESTAMP]: String(timestamp),
      [HEADER_SIGNATURE]: `v1,${signature as string}`,
      [HEADER_VERSION]: versionOf(object),
      'content-type': 'application/json',
    } as SignedWebhookHeaders,
  };
}

function versionOf(object: Record<string, unknown> | undefined): WebhookVersion {
  if (object === undefined) return 'V3';
  if (typeof object.type === 'string' && object.type.startsWith('composio.')) return 'V3';
  if (typeof object.trigger_name === 'string') return 'V1';
  return typeof object.type === 'string' ? 'V2' : 'V3';
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      return objectOf(JSON.parse(decodeBody(value)));
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
