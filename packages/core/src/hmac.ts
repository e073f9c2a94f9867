/**
 * HMAC-SHA256 backends. On Node, `node:crypto` with a `KeyObject` prepared once per key; where
 * `node:crypto` is absent (edge runtimes) the same API runs on WebCrypto. No static import of
 * `node:crypto`, so bundlers for edge runtimes accept this module as is.
 */
import type * as NodeCrypto from 'node:crypto';

type NodeCryptoModule = typeof NodeCrypto;

export interface HmacKey {
  /** True when `digest` returns synchronously (node:crypto). */
  readonly sync: boolean;
  /** HMAC-SHA256 over `prefix` (ASCII) followed by the body bytes, exactly as given. */
  digest(prefix: string, body: string | Uint8Array): Uint8Array | Promise<Uint8Array>;
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
    digest(prefix, body) {
      return nodeCrypto.createHmac('sha256', key).update(prefix).update(body).digest();
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
    async digest(prefix, body) {
      key ??= subtle.importKey('raw', copy(keyBytes), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      const head = encoder.encode(prefix);
      const tail = typeof body === 'string' ? encoder.encode(body) : body;
      const data = new Uint8Array(head.byteLength + tail.byteLength);
      data.set(head, 0);
      data.set(tail, head.byteLength);
      return new Uint8Array(await subtle.sign('HMAC', await key, data));
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

/** Compares every byte whatever the first difference, like `crypto.timingSafeEqual`. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  // `length` read once: reading `byteLength` of a Buffer on every iteration costs ~10x the loop.
  const length = a.length;
  if (length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.byteLength);
  out.set(bytes);
  return out;
}

/** Value of each base64 character (standard alphabet), -1 for any other character. */
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (const [index, char] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
].entries()) {
  BASE64_VALUE[char.charCodeAt(0)] = index;
}

function base64Value(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (BASE64_VALUE[code] as number) : -1;
}

/**
 * Decodes the signature that starts at `offset` of `entry` when it is the canonical base64 of a
 * 32-byte digest (43 characters, zero padding bits, one `=`), the only spelling a signer produces;
 * `undefined` for anything else (unpadded, base64url, other lengths, non-zero padding bits).
 */
export function decodeSignature(entry: string, offset: number): Uint8Array | undefined {
  if (entry.length - offset !== 44 || entry.charCodeAt(offset + 43) !== 61 /* = */) return;
  const bytes = new Uint8Array(32);
  let out = 0;
  for (let i = offset; i < offset + 40; i += 4) {
    const a = base64Value(entry, i);
    const b = base64Value(entry, i + 1);
    const c = base64Value(entry, i + 2);
    const d = base64Value(entry, i + 3);
    if ((a | b | c | d) < 0) return;
    bytes[out++] = (a << 2) | (b >> 4);
    bytes[out++] = ((b & 15) << 4) | (c >> 2);
    bytes[out++] = ((c & 3) << 6) | d;
  }
  const a = base64Value(entry, offset + 40);
  const b = base64Value(entry, offset + 41);
  const c = base64Value(entry, offset + 42);
  if ((a | b | c) < 0 || (c & 3) !== 0) return;
  bytes[30] = (a << 2) | (b >> 4);
  bytes[31] = ((b & 15) << 4) | (c >> 2);
  return bytes;
}
