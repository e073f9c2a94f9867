/**
 * What every test server answers, on any runtime: GET → who is serving; POST → `verifyWebhook`
 * over the exact request bytes (from the BUILT @composio-webhooks/core), 200 with the delivery's
 * id and type, or the error's documented status and code.
 */
import { isWebhookError, verifyWebhook } from '@composio-webhooks/core';

/** The runtime actually serving, from its own globals (not from what the test asked for). */
export function runtimeInfo() {
  const g = globalThis;
  let runtime = 'unknown';
  if (g.Bun) runtime = `bun ${g.Bun.version}`;
  else if (g.Deno) runtime = `deno ${g.Deno.version.deno}`;
  else if (g.navigator?.userAgent === 'Cloudflare-Workers') runtime = 'workerd';
  else if (g.process?.release?.name === 'node') runtime = `node ${g.process.versions.node}`;
  // Core takes node:crypto through process.getBuiltinModule when the runtime has it, else WebCrypto.
  const nodeCrypto = typeof g.process?.getBuiltinModule === 'function';
  return { runtime, crypto: nodeCrypto ? 'node:crypto' : 'webcrypto' };
}

/** `body` is the raw request body (Uint8Array); `headers` a fetch `Headers` or a Node record. */
export async function answer(method, body, headers, secret) {
  if (method !== 'POST') return { status: 200, json: runtimeInfo() };
  try {
    const delivery = await verifyWebhook({ payload: body, headers, secret });
    return { status: 200, json: { id: delivery.id, type: delivery.event.type } };
  } catch (error) {
    if (isWebhookError(error)) return { status: error.status, json: { code: error.code } };
    throw error;
  }
}

/** The same for a Web `Request` (Bun, Deno, workerd). */
export async function answerRequest(request, secret) {
  const body = new Uint8Array(await request.arrayBuffer());
  const { status, json } = await answer(request.method, body, request.headers, secret);
  return Response.json(json, { status });
}
