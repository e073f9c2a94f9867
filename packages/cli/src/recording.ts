/**
 * The file `listen --record` writes and `replay` reads: JSON Lines, one verified delivery per
 * line, with the headers that matter and the body exactly as received. The signature is not
 * kept (replay signs again, so a leaked file cannot be replayed against a server as it is).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import {
  HEADER_ATTEMPT,
  HEADER_ID,
  HEADER_TIMESTAMP,
  HEADER_VERSION,
} from '@composio-webhooks/core/adapter';
import { UsageError } from './args.js';

/** Headers kept from a delivery (never `webhook-signature`). */
export const RECORDED_HEADERS = [
  HEADER_ID,
  HEADER_TIMESTAMP,
  HEADER_VERSION,
  HEADER_ATTEMPT,
  'content-type',
  'user-agent',
] as const;

export interface RecordedDelivery {
  /** When `listen` received it (ISO 8601). */
  recordedAt: string;
  /** The path it was sent to. */
  path: string;
  /** Its `webhook-id`. */
  id: string;
  /** The event type, e.g. `composio.trigger.message`. */
  type: string;
  triggerSlug: string | null;
  /** Payload version, detected from the body. */
  version: string;
  headers: Record<string, string>;
  /** The body as received: UTF-8 text, or base64 when the bytes are not UTF-8 text. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

export function encodeBody(bytes: Uint8Array): Pick<RecordedDelivery, 'body' | 'bodyEncoding'> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buffer)
    ? { body: text, bodyEncoding: 'utf8' }
    : { body: buffer.toString('base64'), bodyEncoding: 'base64' };
}

/** The body as text to sign and send (a base64 body is decoded as UTF-8). */
export function bodyText(record: RecordedDelivery): string {
  return record.bodyEncoding === 'base64'
    ? Buffer.from(record.body, 'base64').toString('utf8')
    : record.body;
}

export function pickHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) kept[name] = first;
  }
  return kept;
}

/** Appends one line per delivery, synchronously: a killed `listen` loses nothing it answered. */
export interface Recorder {
  readonly path: string;
  readonly count: number;
  write(record: RecordedDelivery): void;
  close(): void;
}

export function openRecorder(path: string, command: string): Recorder {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`--record ${path}: cannot open the file for writing (${code}).`, command);
  }
  let count = 0;
  return {
    path,
    get count() {
      return count;
    },
    write(record) {
      writeSync(fd, `${JSON.stringify(record)}\n`);
      count++;
    },
    close() {
      closeSync(fd);
    },
  };
}

/** Every recorded delivery of `path`, in order; a line that is not one is a usage error. */
export function readRecording(path: string, command: string): RecordedDelivery[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`Cannot read ${path} (${code}).`, command);
  }
  const records: RecordedDelivery[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (!isRecordedDelivery(value)) {
      throw new UsageError(
        `${path}:${index + 1} is not a delivery recorded by "composio-webhooks listen --record".`,
        command,
      );
    }
    records.push(value);
  });
  if (records.length === 0) {
    throw new UsageError(
      `${path} holds no recorded delivery: record some with "composio-webhooks listen --record ${path}".`,
      command,
    );
  }
  return records;
}

function isRecordedDelivery(value: unknown): value is RecordedDelivery {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.body === 'string' &&
    (r.bodyEncoding === 'utf8' || r.bodyEncoding === 'base64') &&
    typeof r.headers === 'object' &&
    r.headers !== null
  );
}
