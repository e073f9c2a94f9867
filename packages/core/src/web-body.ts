/**
 * Reading the body of a Web `Request` as bytes, once, within the limits: a declared
 * `Content-Length` over `maxBytes` is refused before reading, a stream is read chunk by chunk and
 * cancelled as soon as it passes the limit (never buffering more than `maxBytes`), and a body
 * still arriving after `timeoutMs` is refused. No Node built-ins: it runs on every Web runtime.
 */
import { bodyTimeout, payloadTooLarge, unreadableBody } from './body-errors.js';
import { setDeadline } from './deadlines.js';
import { WebhookError } from './errors.js';
import type { BodyLimits } from './stages/read.js';

/** The parts of a Web `Request` the reader needs (any fetch implementation fits). */
export interface WebBodySource {
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  readonly bodyUsed?: boolean;
  /** Used for a body framed by its `content-length` (fetch servers read it fastest this way). */
  arrayBuffer?(): Promise<ArrayBuffer>;
}

export async function readWebBody(
  request: WebBodySource,
  limits: BodyLimits,
  packageName: string,
): Promise<Uint8Array> {
  const { maxBytes, timeoutMs } = limits;
  if (request.bodyUsed) {
    throw new WebhookError(
      'RAW_BODY_UNAVAILABLE',
      `[${packageName}] The request body was already read (request.json()/text() ran before the webhook handler), so the raw bytes cannot be verified. Pass the untouched Request, or request.clone() before reading it.`,
    );
  }
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    throw payloadTooLarge(packageName, maxBytes);
  }
  if (declared !== null && /^\d+$/.test(declared) && typeof request.arrayBuffer === 'function') {
    // Framed by its content-length (within the limit): no byte beyond it can arrive, so read it
    // whole. Servers that wrap a Node request (@hono/node-server) skip building a stream then.
    return readWhole(request as Required<WebBodySource>, limits, packageName);
  }
  const stream = request.body;
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let expire: ((error: WebhookError) => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    expire = reject;
  });
  const timer = setDeadline(
    () => (expire as (error: WebhookError) => void)(bodyTimeout(packageName, timeoutMs)),
    timeoutMs,
  );
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw payloadTooLarge(packageName, maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    if (error instanceof WebhookError) throw error;
    throw unreadableBody(packageName, error);
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

async function readWhole(
  request: Required<WebBodySource>,
  { maxBytes, timeoutMs }: BodyLimits,
  packageName: string,
): Promise<Uint8Array> {
  let body: ArrayBuffer;
  try {
    body = await new Promise<ArrayBuffer>((resolve, reject) => {
      const timer = setDeadline(() => reject(bodyTimeout(packageName, timeoutMs)), timeoutMs);
      request.arrayBuffer().then(
        (buffer) => {
          clearTimeout(timer);
          resolve(buffer);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  } catch (error) {
    if (error instanceof WebhookError) throw error;
    throw unreadableBody(packageName, error);
  }
  // A Request built in process may carry a content-length header that does not frame it.
  if (body.byteLength > maxBytes) throw payloadTooLarge(packageName, maxBytes);
  return new Uint8Array(body);
}
