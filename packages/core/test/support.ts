/** Shared fixtures and helpers of the core tests. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface SignatureVector {
  name: string;
  secret: string;
  secretFormat: 'raw' | 'standard';
  now_ms: number;
  tolerance: number;
  headers: Record<string, string>;
  expect: string;
  body_base64: string;
}

/** Signed deliveries made by two independent signers (Composio's documented algorithm and the `standardwebhooks` library). */
export const signatureVectors: SignatureVector[] = JSON.parse(
  readFileSync(`${fixtures}signature-vectors.json`, 'utf8'),
).cases;

export const payloadFiles = [
  'v1-trigger.json',
  'v2-trigger.json',
  'v3-connected-account-expired.json',
  'v3-trigger-disabled.json',
  'v3-trigger-message.json',
] as const;

/** A realistic example payload of `fixtures/payloads/`, parsed (fresh object on every call). */
export function loadPayload(name: (typeof payloadFiles)[number]): Record<string, unknown> {
  return JSON.parse(readFileSync(`${fixtures}payloads/${name}`, 'utf8'));
}

/** The exact text of a reference payload file. */
export function payloadText(name: (typeof payloadFiles)[number]): string {
  return readFileSync(`${fixtures}payloads/${name}`, 'utf8');
}

/**
 * An independent signer: `base64(HMAC-SHA256(key, id.ts. + body))` with `node:crypto`, the key
 * being the UTF-8 bytes of the secret (Composio's convention) unless bytes are given.
 */
export function hmacSignature(
  key: string | Uint8Array,
  id: string,
  timestamp: string | number,
  body: string | Uint8Array,
): string {
  return createHmac('sha256', typeof key === 'string' ? Buffer.from(key, 'utf8') : key)
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest('base64');
}

/** Awaits a promise that must reject and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Calls a function that must throw synchronously and returns what it threw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}
