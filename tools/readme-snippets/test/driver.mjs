// Runs inside the scratch project: imports a compiled README snippet that exports a handler
// instead of serving, and calls it with one signed delivery, as its platform would.
// `node driver.mjs <file.js> <export name> <request|lambda>` prints `{"status":…}`.
import { pathToFileURL } from 'node:url';
import { buildTriggerMessage, signWebhook } from '@composio-webhooks/core/testing';

const [file, name, kind] = process.argv.slice(2);
const module = await import(pathToFileURL(file).href);
const handler = module[name];
if (typeof handler !== 'function') {
  // E.g. `export default app` of a fetch-style framework: Bun and Deno serve it, Node does not.
  console.error(
    `the snippet's ${name} export is not a handler function: on Node nothing serves it`,
  );
  process.exit(1);
}
const { body, headers } = await signWebhook({
  payload: buildTriggerMessage(),
  secret: process.env.COMPOSIO_WEBHOOK_SECRET,
});
const path = '/webhooks/composio';
let status;
if (kind === 'lambda') {
  // An API Gateway HTTP API (payload 2.0) event, as the platform hands it to the function.
  const result = await handler(
    {
      version: '2.0',
      routeKey: `POST ${path}`,
      rawPath: path,
      rawQueryString: '',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      isBase64Encoded: false,
      requestContext: {
        http: {
          method: 'POST',
          path,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        },
        requestId: 'readme-install-test',
        routeKey: `POST ${path}`,
        stage: '$default',
        timeEpoch: Date.now(),
      },
    },
    {},
  );
  status = result.statusCode;
} else {
  const response = await handler(
    new Request(`http://127.0.0.1${path}`, { method: 'POST', headers, body }),
  );
  status = response.status;
}
console.log(JSON.stringify({ status }));
