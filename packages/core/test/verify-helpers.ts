/** Constants and helpers shared by the verify*.test.ts files. */

import { isWebhookError } from '../src/errors.js';
import { type VerifierOptions, verifyWebhook } from '../src/verifier.js';
import { hmacSignature, payloadText } from './support.js';

export const SECRET = 'composio-test-secret-0001';
export const T = 1_763_630_142; // webhook-timestamp of the reference vectors
export const at = (seconds: number) => () => seconds * 1000;
export const BODY = payloadText('v3-trigger-message.json');
export const ID = 'msg_0b6c5a0e-3f52-4d7e-9f8c-2a1e4b7d9c11';

export function headersFor(
  signature: string,
  overrides: Record<string, string | string[] | undefined> = {},
): Record<string, string | string[] | undefined> {
  return {
    'webhook-id': ID,
    'webhook-timestamp': String(T),
    'webhook-signature': signature,
    ...overrides,
  };
}

export const goodSignature = (
  body: string | Uint8Array = BODY,
  secret = SECRET,
  id = ID,
  ts: string | number = T,
) => `v1,${hmacSignature(secret, id, ts, body)}`;

/** The code of a rejected verification, or `'valid'`. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'valid';
  } catch (error) {
    if (!isWebhookError(error)) throw error;
    return error.code;
  }
}

export function verifyAt(
  nowSeconds: number,
  payload: unknown,
  headers: unknown,
  options: Partial<VerifierOptions> = {},
) {
  return verifyWebhook({
    secret: SECRET,
    now: at(nowSeconds),
    ...options,
    payload: payload as string,
    headers: headers as Record<string, string>,
  });
}
