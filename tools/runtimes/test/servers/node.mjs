// Node (20, 22, 24): node:http, the body collected as bytes.
import { createServer } from 'node:http';
import { answer } from './verify.mjs';

const secret = process.env.COMPOSIO_WEBHOOK_SECRET;
const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = new Uint8Array(Buffer.concat(chunks));
  const { status, json } = await answer(req.method, body, req.headers, secret);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
