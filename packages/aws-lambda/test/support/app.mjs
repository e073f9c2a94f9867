/**
 * The conformance app as one Lambda handler, the same in process and under serverless-offline:
 * the router-mode route, the verify-only route and the runs the suite reads, chosen by the path.
 * Pass it the aws-lambda package (its source in vitest, its `dist` under serverless-offline) and
 * core's testing kit.
 *
 * @param {typeof import('@composio-webhooks/aws-lambda')} lambda
 * @param {typeof import('@composio-webhooks/core/testing')} testing
 * @returns {(event: any, context?: unknown) => Promise<import('@composio-webhooks/aws-lambda').LambdaHttpResult>}
 */
export function conformanceHandler(lambda, testing) {
  const { CONFORMANCE_OPTIONS, CONFORMANCE_PATHS, createConformanceApp } = testing;
  const conformance = createConformanceApp();
  const routed = lambda.composioWebhook({ ...CONFORMANCE_OPTIONS, router: conformance.router });
  const verifyOnly = lambda.withComposioWebhook(
    async (_event, delivery) => ({
      statusCode: await conformance.route(delivery),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handledBy: 'route' }),
      isBase64Encoded: false,
    }),
    CONFORMANCE_OPTIONS,
  );
  return async (event, context) => {
    const path = pathOf(event);
    if (path.endsWith(CONFORMANCE_PATHS.router)) return routed(event, context);
    if (path.endsWith(CONFORMANCE_PATHS.verifyOnly)) return verifyOnly(event, context);
    if (path.endsWith(CONFORMANCE_PATHS.runs)) {
      return { statusCode: 200, body: JSON.stringify(conformance.runs()), isBase64Encoded: false };
    }
    return { statusCode: 404, body: JSON.stringify({ path }), isBase64Encoded: false };
  };
}

/** The request path of any of the four sources. */
function pathOf(event) {
  return event.rawPath ?? event.path ?? event.requestContext?.http?.path ?? '';
}
