// Bun: Bun.serve with a fetch handler.
import { answerRequest } from './verify.mjs';

const secret = Bun.env.COMPOSIO_WEBHOOK_SECRET;
Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT),
  fetch: (request) => answerRequest(request, secret),
});
