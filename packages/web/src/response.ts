/**
 * The exchange's answer as a Web `Response`: the documented status, the JSON body and its
 * headers (`retry-after`, `allow`, `connection: close` after an early refusal).
 */
import type { ReceiverResponse } from '@composio-webhooks/core';

/**
 * Deno's server writes its own `connection: close` when a handler answers before reading the
 * body, so ours would be a second copy of the header; workerd drops it itself. Node and Bun
 * honour it (the connection is closed instead of draining an unread body).
 */
const RUNTIME_OWNS_CONNECTION = typeof (globalThis as { Deno?: unknown }).Deno === 'object';

export function toResponse(response: ReceiverResponse): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (response.headers) {
    for (const name in response.headers) {
      if (name === 'connection' && RUNTIME_OWNS_CONNECTION) continue;
      headers[name] = response.headers[name] as string;
    }
  }
  return new Response(JSON.stringify(response.body), { status: response.status, headers });
}
