// workerd: a module Worker. `env` holds the text bindings startServer() generates from its env.
// GET /fetch?url=… fetches that URL from inside the Worker (the loopback network check).
import { answerRequest } from './verify.mjs';

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/fetch') {
      const upstream = await fetch(url.searchParams.get('url'));
      return Response.json({ status: upstream.status, body: await upstream.text() });
    }
    if (url.pathname === '/env') return Response.json(env);
    return answerRequest(request, env.COMPOSIO_WEBHOOK_SECRET);
  },
};
