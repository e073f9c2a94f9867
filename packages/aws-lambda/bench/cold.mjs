// One cold start, in a fresh process: import + build the handler + the first invocation.
// argv: 'package' | 'hand-written', then the event as JSON. Prints the milliseconds it took.
const started = performance.now();
const [which, eventJson] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const secret = 'bench-secret';
let handler;
if (which === 'package') {
  const { composioWebhook, createWebhookRouter } = await import('@composio-webhooks/aws-lambda');
  handler = composioWebhook({
    secret,
    logger: false,
    router: createWebhookRouter().onAny(() => {}),
  });
} else {
  const { handWritten } = await import('./hand-written.mjs');
  handler = handWritten(secret);
}
const result = await handler(event);
if (result.statusCode !== 200) throw new Error(`cold start answered ${result.statusCode}`);
process.stdout.write(String(performance.now() - started));
