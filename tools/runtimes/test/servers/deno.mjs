// Deno: Deno.serve.
import { answerRequest } from './verify.mjs';

const secret = Deno.env.get('COMPOSIO_WEBHOOK_SECRET');
Deno.serve(
  { hostname: '127.0.0.1', port: Number(Deno.env.get('PORT')), onListen() {} },
  (request) => answerRequest(request, secret),
);
