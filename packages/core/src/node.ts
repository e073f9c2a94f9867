/**
 * `@composio-webhooks/core/node`: getting the exact raw body out of a Node `IncomingMessage`,
 * whatever ran before us. Shared by the Express, Koa and Nest adapters so every framework
 * decides the same way:
 *
 * 1. bytes a raw parser left (`express.raw()` → Buffer `req.body`);
 * 2. raw text/bytes a JSON parser kept (`req.rawBody`, `ctx.request.rawBody`, Nest `rawBody: true`);
 * 3. the stream itself when nobody read it (`raw-body`, with the size limit → 413);
 * 4. a string body (`express.text()`), which is the raw text;
 * 5. otherwise the body was parsed and the raw bytes are gone: `RAW_BODY_UNAVAILABLE`, with a
 *    message saying how to fix the set-up. Never re-serialized JSON, never waiting on a
 *    stream that was already read.
 */
import type { Readable } from 'node:stream';
import getRawBody from 'raw-body';
import { bodyTimeout, payloadTooLarge, unreadableBody } from './body-errors.js';
import { setDeadline } from './deadlines.js';
import { WebhookError } from './errors.js';
import type { BodyLimits } from './stages/read.js';
import type { WebhookBody } from './verify.js';

export interface RawBodySource {
  /** What a body parser left (`req.body`, `ctx.request.body`). */
  parsedBody?: unknown;
  /** Raw body kept by a parser (`req.rawBody`, `ctx.request.rawBody`). */
  rawBody?: unknown;
  /** The request stream. */
  stream: Readable;
  /** The request's `content-length` header. */
  contentLength?: string | undefined;
  /** `maxBodyBytes` and `bodyTimeoutMs`, as the exchange passes them. */
  limits: BodyLimits;
  /** Framework-specific instructions for `RAW_BODY_UNAVAILABLE`, prefixed with the adapter's name. */
  howToFix: string;
  /** Package name that prefixes messages, e.g. `@composio-webhooks/express`. */
  packageName: string;
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** True when someone already consumed the stream (reading it again would hang). */
export function streamConsumed(stream: Readable & { _body?: unknown }): boolean {
  return stream.readableDidRead === true || stream.readableEnded === true || stream._body === true;
}

export async function readRawBody(source: RawBodySource): Promise<WebhookBody> {
  const { parsedBody, rawBody, stream, packageName } = source;
  const limit = source.limits.maxBytes;
  let body: WebhookBody | undefined;
  if (isBytes(parsedBody)) body = parsedBody;
  else if (isBytes(rawBody) || typeof rawBody === 'string') body = rawBody;
  else if (!streamConsumed(stream)) return readStream(source);
  else if (typeof parsedBody === 'string') body = parsedBody;
  if (body === undefined) {
    throw new WebhookError(
      'RAW_BODY_UNAVAILABLE',
      `[${packageName}] The request body was already parsed and its raw bytes were not kept, so the signature cannot be verified (re-serialized JSON never matches). ${source.howToFix}`,
    );
  }
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > limit) throw payloadTooLarge(packageName, limit);
  return body;
}

function readStream(source: RawBodySource): Promise<Uint8Array> {
  const { stream, packageName, contentLength } = source;
  const { maxBytes: limit, timeoutMs } = source.limits;
  const length =
    contentLength !== undefined && /^\d+$/.test(contentLength) ? Number(contentLength) : undefined;
  // A declared length over the limit is refused before a byte is read (raw-body checks it first).
  let reading: Promise<Buffer>;
  try {
    reading = getRawBody(stream, length === undefined ? { limit } : { limit, length });
  } catch (error) {
    return Promise.reject(unreadableBody(packageName, error));
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const timer = setDeadline(() => {
      // Stop reading; the answer closes the connection, which ends raw-body's wait.
      stream.pause();
      reject(bodyTimeout(packageName, timeoutMs));
    }, timeoutMs);
    reading.then(
      (body) => {
        clearTimeout(timer);
        resolve(body);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(
          (error as { type?: string }).type === 'entity.too.large'
            ? payloadTooLarge(packageName, limit, error)
            : unreadableBody(packageName, error),
        );
      },
    );
  });
}

/** The parts of a Node `ServerResponse` that tell when and how a route answered. */
export interface AnsweringResponse {
  statusCode: number;
  writableFinished: boolean;
  once(event: 'finish' | 'close', listener: () => void): unknown;
  off(event: 'finish' | 'close', listener: () => void): unknown;
}

/**
 * For verify-only adapters (Express without a router, Nest's guard): resolves once the user's
 * route has answered on `response` — to its status, or to `'closed'` when the connection closed
 * before an answer was written.
 */
export function observeNodeResponse(response: AnsweringResponse): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const settle = (answer: number | 'closed'): void => {
      response.off('finish', finished);
      response.off('close', closed);
      resolve(answer);
    };
    // 'finish' means the answer was written, whatever `writableFinished` says: in-process
    // sockets (Fastify's inject(), light-my-request) keep what was written in `writableLength`.
    const finished = (): void => settle(response.statusCode);
    const closed = (): void => settle(response.writableFinished ? response.statusCode : 'closed');
    response.once('finish', finished);
    response.once('close', closed);
  });
}

/** A Node request as body parsers leave it: `req.body` (parsed or raw), `req.rawBody` (kept bytes). */
export interface NodeRequestWithBody extends Readable {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  rawBody?: unknown;
}

/** `readRawBody` for a Node request that carries its own body fields (Express, Next.js Pages). */
export function readNodeRequest(
  req: NodeRequestWithBody,
  limits: BodyLimits,
  adapter: { packageName: string; howToFix: string },
): Promise<WebhookBody> {
  const contentLength = req.headers['content-length'];
  return readRawBody({
    parsedBody: req.body,
    rawBody: req.rawBody,
    stream: req,
    contentLength: Array.isArray(contentLength) ? contentLength[0] : contentLength,
    limits,
    ...adapter,
  });
}
