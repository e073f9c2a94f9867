// workerd: a module Worker bundled from the built package. No `process` here (no nodejs_compat),
// so the secret comes from the Worker's env, and HMAC runs on WebCrypto.
import * as testing from '@composio-webhooks/core/testing';
import * as web from '../../dist/index.js';
import { conformanceFetch } from './app.mjs';

let handler;
export default {
  fetch(request, env, ctx) {
    handler ??= conformanceFetch(web, testing, { secret: env.COMPOSIO_WEBHOOK_SECRET });
    // ctx.waitUntil keeps handlers that outlive handlerTimeoutMs running after the 503.
    return handler(request, ctx);
  },
};
