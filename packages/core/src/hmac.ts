/**
 * HMAC-SHA256 backends. On Node, `node:crypto` with a `KeyObject` prepared once per key; where
 * `node:crypto` is absent (edge runtimes) the same API runs on WebCrypto. No static import of
 * `node:crypto`, so bundlers for edge runtimes accept this module as is.
 */
import type * as NodeCrypto from 'node:crypto';

type NodeCryptoModule = typeof NodeCrypto;

export interface HmacKey {
  /** True when `sign` returns synchronously (node:crypto). */
  readonly sync: boolean;
  /**
   * The canonical base64 of HMAC-SHA256 over `prefix` (ASCII) followed by the body bytes, exactly
   * as given: the text of a `v1,` signature.
   */
  sign(prefix: string, body: string | Uint8Array): string | Promise<string>;
}

export type CryptoBackend = 'node' | 'webcrypto';

/** `node:crypto` when this runtime has it (Node ≥ 20.16 / 22.3 expose `process.getBuiltinModule`). */
export function loadNodeCrypto(): NodeCryptoModule | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  let mod: NodeCryptoModule | undefined;
  try {
    mod = proc?.getBuiltinModule?.('node:crypto') as NodeCryptoModule | undefined;
  } catch {
    // Next.js's Edge runtime defines process.getBuiltinModule as a stub that throws.
    return undefined;
  }
  return mod && typeof mod.createHmac === 'function' ? mod : undefined;
}

export function availableBackend(): CryptoBackend {
  return loadNodeCrypto() ? 'node' : 'webcrypto';
}

export function createHmacKey(
  keyBytes: Uint8Array,
  backend: CryptoBackend = availableBackend(),
): HmacKey {
  if (backend === 'node') {
    const nodeCrypto = loadNodeCrypto();
    if (nodeCrypto) return nodeKey(nodeCrypto, keyBytes);
  }
  return webCryptoKey(keyBytes);
}

function nodeKey(nodeCrypto: NodeCryptoModule, keyBytes: Uint8Array): HmacKey {
  const key = nodeCrypto.createSecretKey(keyBytes);
  return {
    sync: true,
    sign(prefix, body) {
      // Base64 straight from the native digest: no Buffer is allocated for the 32 bytes.
      return nodeCrypto.createHmac('sha256', key).update(prefix).update(body).digest('base64');
    },
  };
}

const encoder = new TextEncoder();

function webCryptoKey(keyBytes: Uint8Array): HmacKey {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('Neither node:crypto nor WebCrypto (globalThis.crypto.subtle) is available.');
  }
  let key: Promise<NodeCrypto.webcrypto.CryptoKey> | undefined;
  return {
    sync: false,
    async sign(prefix, body) {
      key ??= subtle.importKey('raw', copy(keyBytes), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      const head = encoder.encode(prefix);
      const tail = typeof body === 'string' ? encoder.encode(body) : body;
      const data = new Uint8Array(head.byteLength + tail.byteLength);
      data.set(head, 0);
      data.set(tail, head.byteLength);
      return encodeBase64(new Uint8Array(await subtle.sign('HMAC', await key, data)));
    },
  };
}

/** Strict base64 (standard alphabet, optional padding). */
export const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

export function decodeBase64(base64: string): Uint8Array | undefined {
  if (!BASE64.test(base64)) return undefined;
  try {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary);
}

/**
 * Compares `expected` with the `expected.length` characters of `text` from `offset`, looking at
 * every character whatever the first difference (constant time for a given length, like
 * `crypto.timingSafeEqual`). Signatures are compared as base64 text: both sides are canonical.
 */
export function constantTimeEqual(expected: string, text: string, offset = 0): boolean {
  const length = expected.length;
  if (text.length - offset !== length) return false;
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= expected.charCodeAt(i) ^ text.charCodeAt(offset + i);
  return diff === 0;
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.byteLength);
  out.set(bytes);
  return out;
}

/**
 * The canonical base64 of a 32-byte digest: 43 characters of the standard alphabet, the last of
 * them with zero padding bits, and one `=`. The only spelling a signer produces; unpadded,
 * base64url, other lengths and non-zero padding bits are not signatures.
 */
const CANONICAL_SIGNATURE = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * The signature text that starts at `offset` of `entry` (after `v1,`) when it is canonical base64
 * of a 32-byte digest; `undefined` for anything else.
 */
export function signatureText(entry: string, offset: number): string | undefined {
  if (entry.length - offset !== 44) return undefined;
  const text = offset === 0 ? entry : entry.slice(offset);
  return CANONICAL_SIGNATURE.test(text) ? text : undefined;
}
